#include "domain/email.hpp"

#include <gtest/gtest.h>

namespace kronos::auth {
namespace {

TEST(EmailNormalisation, TrimsAndLowerCases) {
    EXPECT_EQ(normalize_email("  Ann.Lee@Example.COM \t"), "ann.lee@example.com");
    EXPECT_EQ(normalize_email("a+tag@x.example"), "a+tag@x.example");
}

TEST(EmailShape, TableOfCases) {
    struct Case {
        const char* email;
        bool valid;
    };
    const Case cases[] = {
        {"ann@example.com", true},
        {"ann.lee+hr@mail.larkspur-robotics.example", true},
        {"o'brien@example.com", true},
        {"a@b.co", true},
        {"", false},
        {"ann", false},
        {"ann@", false},
        {"@example.com", false},
        {"ann@@example.com", false},
        {"ann@example", false},
        {"ann@example..com", false},
        {"ann@-example.com", false},
        {"ann@example-.com", false},
        {".ann@example.com", false},
        {"ann.@example.com", false},
        {"an..n@example.com", false},
        {"ann lee@example.com", false},
        {"ann@exa_mple.com", false},
        {"zoë@example.com", false},
        {"ann@example.com\n", false},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(is_valid_email(c.email), c.valid) << "email: " << c.email;
    }
}

TEST(EmailShape, LengthLimits) {
    const std::string local64(64, 'a');
    EXPECT_TRUE(is_valid_email(local64 + "@example.com"));
    EXPECT_FALSE(is_valid_email(local64 + "a@example.com"));
    std::string long_domain;
    for (int i = 0; i < 5; ++i) {
        long_domain += std::string(60, 'd') + ".";
    }
    long_domain += "com";
    EXPECT_FALSE(is_valid_email("a@" + long_domain));
}

}  // namespace
}  // namespace kronos::auth
