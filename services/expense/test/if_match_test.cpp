#include <gtest/gtest.h>

#include "http/common.hpp"
#include "kronos/core/errors.hpp"

namespace kronos::expense::http {
namespace {

TEST(IfMatch, AbsentMatchesAnyVersion) {
    const IfMatch condition = parse_if_match("");
    EXPECT_FALSE(condition.present);
    EXPECT_TRUE(condition.matches(7));
}

TEST(IfMatch, StarMatchesAnyVersion) {
    const IfMatch condition = parse_if_match("*");
    EXPECT_TRUE(condition.present);
    EXPECT_TRUE(condition.matches(1));
}

TEST(IfMatch, AcceptedForms) {
    struct Case {
        const char* header;
        int version;
    };
    const Case cases[] = {
        {"\"3\"", 3}, {"W/\"3\"", 3}, {"3", 3}, {"  \"12\"  ", 12}, {"\"1\", \"4\"", 4},
    };
    for (const auto& test : cases) {
        const IfMatch condition = parse_if_match(test.header);
        EXPECT_TRUE(condition.matches(test.version)) << "header: " << test.header;
        EXPECT_FALSE(condition.matches(test.version + 1)) << "header: " << test.header;
    }
}

TEST(IfMatch, StaleVersionDoesNotMatch) {
    EXPECT_FALSE(parse_if_match("\"2\"").matches(3));
}

TEST(IfMatch, MalformedIsInvalid) {
    const char* cases[] = {"abc", "\"\"", "\"3", "-1", "\"3\",", "1.5", "\"9999999999\""};
    for (const char* header : cases) {
        try {
            parse_if_match(header);
            ADD_FAILURE() << "accepted: " << header;
        } catch (const core::ApiError& error) {
            EXPECT_EQ(error.kind(), core::ErrorKind::invalid) << "header: " << header;
            ASSERT_EQ(error.fields().size(), 1u);
            EXPECT_EQ(error.fields()[0].field, "If-Match");
        }
    }
}

TEST(ETag, QuotesVersion) {
    EXPECT_EQ(etag_of(5), "\"5\"");
}

}  // namespace
}  // namespace kronos::expense::http
