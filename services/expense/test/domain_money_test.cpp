#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "domain/money.hpp"

namespace kronos::expense::domain {
namespace {

TEST(Currency, MinorUnitDigits) {
    const std::pair<const char*, int> cases[] = {
        {"EUR", 2}, {"USD", 2}, {"GBP", 2}, {"JPY", 0}, {"KRW", 0}, {"KWD", 3}, {"BHD", 3},
        {"OMR", 3}, {"JOD", 3}, {"TND", 3}, {"CLF", 4}, {"CHF", 2}, {"ZZZ", 2},
    };
    for (const auto& [code, digits] : cases) {
        EXPECT_EQ(currency_digits(code), digits) << code;
    }
}

TEST(Currency, RejectsMalformedCode) {
    for (const char* code : {"", "eur", "Eur", "EU", "EURO", "E1R", "EU ", "€"}) {
        EXPECT_FALSE(currency_digits(code).has_value()) << code;
    }
}

struct AmountCase {
    const char* amount;
    const char* currency;
    std::int64_t expected_minor;
};

TEST(Money, ParsesItemAmounts) {
    const AmountCase cases[] = {
        {"12.34", "EUR", 1234},
        {"12.3", "EUR", 1230},
        {"12", "EUR", 1200},
        {"0.01", "EUR", 1},
        {"0.5", "USD", 50},
        {"1200", "JPY", 1200},
        {"1.234", "KWD", 1234},
        {"1.2", "KWD", 1200},
        {"92233720368547758.07", "EUR", std::numeric_limits<std::int64_t>::max()},
        {"9223372036854775807", "JPY", std::numeric_limits<std::int64_t>::max()},
    };
    for (const AmountCase& c : cases) {
        const Result<Money> money = parse_item_amount(c.amount, c.currency);
        ASSERT_TRUE(money.ok()) << c.amount << " " << c.currency << ": " << money.error().message;
        EXPECT_EQ(money.value().minor, c.expected_minor) << c.amount;
        EXPECT_EQ(money.value().currency, c.currency);
    }
}

TEST(Money, RejectsMalformedAmounts) {
    const AmountCase cases[] = {
        {"12.345", "EUR", 0},
        {"-1.00", "EUR", 0},
        {"+1.00", "EUR", 0},
        {"1e3", "EUR", 0},
        {"1E3", "EUR", 0},
        {"1.", "EUR", 0},
        {".5", "EUR", 0},
        {"", "EUR", 0},
        {" 1", "EUR", 0},
        {"1 ", "EUR", 0},
        {"1,00", "EUR", 0},
        {"01.00", "EUR", 0},
        {"0x10", "EUR", 0},
        {"NaN", "EUR", 0},
        {"Infinity", "EUR", 0},
        {"1.2.3", "EUR", 0},
        {"1200.5", "JPY", 0},
        {"1200.", "JPY", 0},
        {"1.2345", "KWD", 0},
        {"92233720368547758.08", "EUR", 0},
        {"9223372036854775808", "JPY", 0},
        {"99999999999999999999999", "EUR", 0},
    };
    for (const AmountCase& c : cases) {
        const Result<Money> money = parse_item_amount(c.amount, c.currency);
        ASSERT_FALSE(money.ok()) << c.amount << " " << c.currency;
        EXPECT_EQ(money.error().kind, ErrorKind::invalid) << c.amount;
        EXPECT_EQ(money.error().field, "amount.amount") << c.amount;
    }
}

TEST(Money, ItemAmountMustBePositive) {
    for (const char* amount : {"0", "0.00", "0.0"}) {
        const Result<Money> money = parse_item_amount(amount, "EUR");
        ASSERT_FALSE(money.ok()) << amount;
        EXPECT_EQ(money.error().field, "amount.amount");
        EXPECT_EQ(money.error().message, "amount must be greater than zero");
    }
}

TEST(Money, ItemCurrencyMustBeIsoCode) {
    const Result<Money> money = parse_item_amount("12.00", "euro");
    ASSERT_FALSE(money.ok());
    EXPECT_EQ(money.error().field, "amount.currency");
    EXPECT_NE(money.error().message.find("'euro'"), std::string::npos);
}

TEST(Money, TooManyDecimalsMessageNamesDigits) {
    const Result<std::int64_t> minor = parse_minor_units("1.234", 2, "max_per_item");
    ASSERT_FALSE(minor.ok());
    EXPECT_EQ(minor.error().field, "max_per_item");
    EXPECT_EQ(minor.error().message, "amount '1.234' has more than 2 decimals");
}

TEST(Money, ParseMinorUnitsAllowsZero) {
    const Result<std::int64_t> minor = parse_minor_units("0", 2);
    ASSERT_TRUE(minor.ok());
    EXPECT_EQ(minor.value(), 0);
}

TEST(Money, FormatsWithCurrencyDigits) {
    const std::tuple<std::int64_t, int, const char*> cases[] = {
        {1234, 2, "12.34"},
        {5, 2, "0.05"},
        {0, 2, "0.00"},
        {100, 2, "1.00"},
        {1200, 0, "1200"},
        {0, 0, "0"},
        {-5, 2, "-0.05"},
        {-1234, 2, "-12.34"},
        {1, 3, "0.001"},
        {1234, 3, "1.234"},
        {std::numeric_limits<std::int64_t>::max(), 2, "92233720368547758.07"},
        {std::numeric_limits<std::int64_t>::min(), 2, "-92233720368547758.08"},
    };
    for (const auto& [minor, digits, expected] : cases) {
        EXPECT_EQ(format_minor_units(minor, digits), expected) << minor << " " << digits;
    }
    EXPECT_EQ(format_amount(Money{1234, "KWD"}), "1.234");
    EXPECT_EQ(format_amount(Money{1234, "JPY"}), "1234");
}

TEST(Money, FormatParsesBack) {
    for (const char* text : {"0.01", "12.34", "1000000.00", "7.00"}) {
        const Result<Money> money = parse_item_amount(text, "EUR");
        ASSERT_TRUE(money.ok()) << text;
        EXPECT_EQ(format_amount(money.value()), text);
    }
}

TEST(Money, AddsSameCurrency) {
    const Result<Money> sum = add(Money{1234, "EUR"}, Money{66, "EUR"});
    ASSERT_TRUE(sum.ok());
    EXPECT_EQ(sum.value(), (Money{1300, "EUR"}));
}

TEST(Money, AddRejectsMixedCurrencies) {
    const Result<Money> sum = add(Money{1, "EUR"}, Money{1, "USD"});
    ASSERT_FALSE(sum.ok());
    EXPECT_EQ(sum.error().kind, ErrorKind::invalid);
}

TEST(Money, AddDetectsOverflow) {
    const Result<Money> sum =
        add(Money{std::numeric_limits<std::int64_t>::max(), "EUR"}, Money{1, "EUR"});
    ASSERT_FALSE(sum.ok());
    EXPECT_EQ(sum.error().kind, ErrorKind::rule_violated);
}

}  // namespace
}  // namespace kronos::expense::domain
