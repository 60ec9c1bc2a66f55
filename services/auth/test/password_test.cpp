#include "domain/password.hpp"

#include <gtest/gtest.h>

namespace kronos::auth {
namespace {

TEST(PasswordRules, TableOfCases) {
    struct Case {
        const char* password;
        const char* email;
        bool accepted;
    };
    const Case cases[] = {
        {"correct horse battery", "ann@example.com", true},
        {"exactly12chr", "ann@example.com", true},
        {"short11char", "ann@example.com", false},
        {"", "ann@example.com", false},
        // Twelve characters that take 24 bytes: length counts characters, not bytes.
        {"ééééééééééüü", "ann@example.com", true},
        {"éééééééééüü", "ann@example.com", false},
        {"ann@example.com", "ann@example.com", false},
        {"ANN@Example.COM", "ann@example.com", false},
        {"ann@example.com!", "ann@example.com", true},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(!password_problem(c.password, c.email).has_value(), c.accepted)
            << "password: " << c.password;
    }
}

TEST(PasswordRules, OverlongRejected) {
    EXPECT_TRUE(password_problem(std::string(1025, 'a'), "ann@example.com").has_value());
    EXPECT_FALSE(password_problem(std::string(1024, 'a'), "ann@example.com").has_value());
}

TEST(PasswordHash, VerifiesOnlyTheSamePassword) {
    const auto hash = hash_password("correct horse battery");
    EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
    EXPECT_TRUE(verify_password("correct horse battery", hash));
    EXPECT_FALSE(verify_password("correct horse batterY", hash));
}

TEST(PasswordHash, GeneratedPasswordHashIsCheapArgon2id) {
    const auto password = generate_temporary_password();
    const auto hash = hash_generated_password(password);
    EXPECT_EQ(hash.rfind("$argon2id$v=19$m=8,t=1,", 0), 0u) << hash;
    EXPECT_TRUE(verify_password(password, hash));
    EXPECT_FALSE(verify_password(password + "x", hash));
}

TEST(PasswordHash, HumanPasswordHashUsesInteractiveLimits) {
    EXPECT_EQ(hash_password("correct horse battery").rfind("$argon2id$v=19$m=65536,t=2,", 0), 0u);
}

TEST(PasswordHash, MalformedHashNeverMatches) {
    EXPECT_FALSE(verify_password("anything", "not a hash"));
    EXPECT_FALSE(verify_password("", ""));
}

TEST(PasswordHash, DummyHashIsArgon2id) {
    EXPECT_EQ(dummy_password_hash().rfind("$argon2id$", 0), 0u);
}

TEST(TemporaryPassword, MeetsRulesAndDiffers) {
    const auto first = generate_temporary_password();
    const auto second = generate_temporary_password();
    EXPECT_EQ(first.size(), 16u);
    EXPECT_FALSE(password_problem(first, "ann@example.com").has_value());
    EXPECT_NE(first, second);
}

}  // namespace
}  // namespace kronos::auth
