#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "domain/days.hpp"

namespace kronos::leave::domain {
namespace {

struct ParseCase {
    std::string text;
    Tenths expected;
};

TEST(Days, ParsesValidDecimals) {
    const ParseCase cases[] = {
        {"3", 30},
        {"2.5", 25},
        {"-1.0", -10},
        {"0", 0},
        {"0.1", 1},
        {"-0.5", -5},
        {"10.0", 100},
        {"-0.0", 0},
        {"365.9", 3659},
        {"922337203685477580.7", std::numeric_limits<Tenths>::max()},
        {"-922337203685477580.8", std::numeric_limits<Tenths>::min()},
    };
    for (const ParseCase& c : cases) {
        const Result<Tenths> parsed = parse_days(c.text);
        ASSERT_TRUE(parsed.ok()) << c.text;
        EXPECT_EQ(parsed.value(), c.expected) << c.text;
    }
}

TEST(Days, RejectsMalformedDecimals) {
    const std::string cases[] = {
        "",
        "-",
        "+1",
        "1.",
        ".5",
        "1.25",
        "01",
        "00.5",
        "1e2",
        " 1",
        "1 ",
        "1,5",
        "--1",
        "0x10",
        "1.-5",
        "abc",
        "NaN",
        "1.5.0",
        "922337203685477580.8",
        "-922337203685477580.9",
        "99999999999999999999",
    };
    for (const std::string& text : cases) {
        const Result<Tenths> parsed = parse_days(text);
        ASSERT_FALSE(parsed.ok()) << text;
        EXPECT_EQ(parsed.error().kind, ErrorKind::invalid) << text;
        EXPECT_EQ(parsed.error().field, "days") << text;
    }
}

TEST(Days, ErrorNamesGivenField) {
    const Result<Tenths> parsed = parse_days("x", "adjustment");
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().field, "adjustment");
    EXPECT_NE(parsed.error().message.find("'x'"), std::string::npos);
}

TEST(Days, FormatsWithOneDecimal) {
    const std::pair<Tenths, std::string> cases[] = {
        {25, "2.5"},
        {-5, "-0.5"},
        {100, "10.0"},
        {0, "0.0"},
        {1, "0.1"},
        {-10, "-1.0"},
        {3659, "365.9"},
        {std::numeric_limits<Tenths>::max(), "922337203685477580.7"},
        {std::numeric_limits<Tenths>::min(), "-922337203685477580.8"},
    };
    for (const auto& [tenths, expected] : cases) {
        EXPECT_EQ(format_days(tenths), expected) << tenths;
    }
}

TEST(Days, FormatParsesBack) {
    for (Tenths tenths = -30; tenths <= 30; ++tenths) {
        const Result<Tenths> parsed = parse_days(format_days(tenths));
        ASSERT_TRUE(parsed.ok()) << tenths;
        EXPECT_EQ(parsed.value(), tenths);
    }
}

}  // namespace
}  // namespace kronos::leave::domain
