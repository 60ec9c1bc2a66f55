#pragma once

// Money as integer minor units of an ISO 4217 currency: parsing and formatting of the API's
// decimal strings, exchange rates, and exact conversion to the base currency.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/error.hpp"

namespace kronos::expense::domain {

struct Money {
    std::int64_t minor = 0;  // e.g. cents for EUR, yen for JPY
    std::string currency;    // ISO 4217 alphabetic code
    bool operator==(const Money&) const = default;
};

// Number of decimals of the currency's minor unit: 0 for JPY, 3 for KWD, 4 for CLF, and 2 for
// any other code of three upper-case ASCII letters. Returns nullopt for a malformed code.
std::optional<int> currency_digits(std::string_view code);

// Parses a non-negative decimal with at most `digits` decimals ("12.3" is 1230 for 2 digits).
// Rejects signs, exponents, spaces, a leading or trailing '.', superfluous leading zeros (as
// JSON numbers do), more decimals than the currency has, and values beyond int64 minor units.
// Errors are ErrorKind::invalid on `field`.
Result<std::int64_t> parse_minor_units(std::string_view text, int digits,
                                       std::string_view field = "amount");

// Parses an expense item's {amount, currency}. The amount must be greater than zero. Errors
// name "amount.currency" or "amount.amount".
Result<Money> parse_item_amount(std::string_view amount, std::string_view currency);

// Formats with exactly `digits` decimals: (1234, 2) -> "12.34", (5, 2) -> "0.05",
// (1200, 0) -> "1200", (-5, 2) -> "-0.05".
std::string format_minor_units(std::int64_t minor, int digits);

// Formats money with its currency's digits, or 2 digits for a malformed code.
std::string format_amount(const Money& money);

// Sums two amounts of one currency. Errors: invalid for different currencies, rule_violated on
// int64 overflow.
Result<Money> add(const Money& a, const Money& b);

// An exchange rate in units of the base currency per unit of the item's currency, as the
// decimal units / 10^scale.
struct Rate {
    std::int64_t units = 0;
    int scale = 0;
    bool operator==(const Rate&) const = default;
};

inline constexpr int kMaxRateDecimals = 10;
inline constexpr int kMaxRateIntegerDigits = 8;

// Parses a positive decimal such as "0.9213" or "155" with at most kMaxRateIntegerDigits digits
// before the point and kMaxRateDecimals after it. Errors are ErrorKind::invalid on `field`.
Result<Rate> parse_rate(std::string_view text, std::string_view field = "rate");

// Formats as given at parse time, trailing zeros included: {9213, 4} -> "0.9213".
std::string format_rate(Rate rate);

// Converts to `base_currency` as amount * rate, rounded half-even to the base currency's minor
// unit. The arithmetic is exact in 128-bit integers. Errors: invalid for a malformed base
// currency, rule_violated when the result does not fit int64 minor units.
Result<Money> convert(const Money& amount, Rate rate, std::string_view base_currency);

}  // namespace kronos::expense::domain
