#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "domain/money.hpp"

namespace kronos::expense::domain {
namespace {

TEST(Rate, ParsesDecimals) {
    const std::tuple<const char*, std::int64_t, int> cases[] = {
        {"0.9213", 9213, 4},
        {"155", 155, 0},
        {"1", 1, 0},
        {"1.0000000000", 10000000000, 10},
        {"0.0000000001", 1, 10},
        {"12345678.9", 123456789, 1},
        {"99999999.9999999999", 999999999999999999, 10},
    };
    for (const auto& [text, units, scale] : cases) {
        const Result<Rate> rate = parse_rate(text);
        ASSERT_TRUE(rate.ok()) << text << ": " << rate.error().message;
        EXPECT_EQ(rate.value(), (Rate{units, scale})) << text;
        EXPECT_EQ(format_rate(rate.value()), text);
    }
}

TEST(Rate, RejectsMalformed) {
    for (const char* text : {"", "0", "0.0", "0.0000000000", "-1", "+1", "1e-3", ".5", "1.",
                             "0.00000000001", "123456789", "1,5", "00.5", " 1", "1.5 ", "NaN"}) {
        const Result<Rate> rate = parse_rate(text, "rates.USD");
        ASSERT_FALSE(rate.ok()) << text;
        EXPECT_EQ(rate.error().kind, ErrorKind::invalid) << text;
        EXPECT_EQ(rate.error().field, "rates.USD") << text;
    }
}

struct ConversionCase {
    const char* name;
    Money amount;
    const char* rate;
    const char* base;
    std::int64_t expected_minor;
};

TEST(Money, ConvertsToBaseCurrency) {
    const ConversionCase cases[] = {
        {"usd to eur", {10000, "USD"}, "0.9213", "EUR", 9213},
        {"same currency", {1234, "EUR"}, "1", "EUR", 1234},
        {"same currency, ten decimals", {1234, "EUR"}, "1.0000000000", "EUR", 1234},
        {"zero-decimal source", {1000, "JPY"}, "0.0061", "EUR", 610},
        {"zero-decimal base", {1234, "EUR"}, "162.5", "JPY", 2005},
        {"three-decimal base", {1000, "EUR"}, "0.3312", "KWD", 3312},
        {"base with more digits than rate and source", {100, "JPY"}, "2", "KWD", 200000},
        {"tiny rate rounds to zero", {100, "USD"}, "0.0000000005", "EUR", 0},
        {"above tie rounds up", {5, "USD"}, "0.51", "EUR", 3},
        {"below tie rounds down", {5, "USD"}, "0.49", "EUR", 2},
    };
    for (const ConversionCase& c : cases) {
        const Result<Rate> rate = parse_rate(c.rate);
        ASSERT_TRUE(rate.ok()) << c.name;
        const Result<Money> converted = convert(c.amount, rate.value(), c.base);
        ASSERT_TRUE(converted.ok()) << c.name << ": " << converted.error().message;
        EXPECT_EQ(converted.value().minor, c.expected_minor) << c.name;
        EXPECT_EQ(converted.value().currency, c.base) << c.name;
    }
}

TEST(Money, RoundsHalfEvenOnTie) {
    const ConversionCase cases[] = {
        {"0.025 to even 0.02", {5, "USD"}, "0.5", "EUR", 2},
        {"0.075 to even 0.08", {15, "USD"}, "0.5", "EUR", 8},
        {"0.015 to even 0.02", {300, "USD"}, "0.005", "EUR", 2},
        {"0.005 to even 0.00", {100, "USD"}, "0.0050000000", "EUR", 0},
        {"1.5 yen to even 2", {1, "EUR"}, "150", "JPY", 2},
        {"4.5 yen to even 4", {3, "EUR"}, "150", "JPY", 4},
        {"0.0025 KWD to even 0.002", {1, "EUR"}, "0.25", "KWD", 2},
        {"0.0035 KWD to even 0.004", {1, "EUR"}, "0.35", "KWD", 4},
        {"negative tie -0.025 to -0.02", {-5, "USD"}, "0.5", "EUR", -2},
        {"negative tie -0.075 to -0.08", {-15, "USD"}, "0.5", "EUR", -8},
        {"largest amount, tie to even",
         {std::numeric_limits<std::int64_t>::max(), "EUR"},
         "0.5",
         "EUR",
         4611686018427387904},
    };
    for (const ConversionCase& c : cases) {
        const Result<Rate> rate = parse_rate(c.rate);
        ASSERT_TRUE(rate.ok()) << c.name;
        const Result<Money> converted = convert(c.amount, rate.value(), c.base);
        ASSERT_TRUE(converted.ok()) << c.name << ": " << converted.error().message;
        EXPECT_EQ(converted.value().minor, c.expected_minor) << c.name;
    }
}

TEST(Money, ConversionOverflowRejected) {
    const Result<Money> doubled =
        convert(Money{std::numeric_limits<std::int64_t>::max(), "EUR"}, Rate{2, 0}, "EUR");
    ASSERT_FALSE(doubled.ok());
    EXPECT_EQ(doubled.error().kind, ErrorKind::rule_violated);

    // The multiply-by-ten path for a base currency with more digits than the source.
    const Result<Money> scaled =
        convert(Money{std::numeric_limits<std::int64_t>::max() / 10, "JPY"}, Rate{2, 0}, "KWD");
    ASSERT_FALSE(scaled.ok());
    EXPECT_EQ(scaled.error().kind, ErrorKind::rule_violated);
}

TEST(Money, ConversionRejectsBadBaseCurrency) {
    const Result<Money> converted = convert(Money{100, "USD"}, Rate{1, 0}, "eur");
    ASSERT_FALSE(converted.ok());
    EXPECT_EQ(converted.error().kind, ErrorKind::invalid);
}

}  // namespace
}  // namespace kronos::expense::domain
