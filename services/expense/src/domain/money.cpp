#include "domain/money.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

namespace kronos::expense::domain {

namespace {

__extension__ typedef __int128 Int128;

constexpr std::int64_t kMaxMinor = std::numeric_limits<std::int64_t>::max();

// Currencies whose minor unit is not 2 decimals, from ISO 4217 table A.1 as of 2026-01-01
// (mirrored in Mozilla's js/src/builtin/intl/CurrencyDataGenerated.h).
constexpr std::array<std::pair<std::string_view, int>, 26> kNonDefaultDigits{{
    {"BHD", 3}, {"BIF", 0}, {"CLF", 4}, {"CLP", 0}, {"DJF", 0}, {"GNF", 0}, {"IQD", 3},
    {"ISK", 0}, {"JOD", 3}, {"JPY", 0}, {"KMF", 0}, {"KRW", 0}, {"KWD", 3}, {"LYD", 3},
    {"OMR", 3}, {"PYG", 0}, {"RWF", 0}, {"TND", 3}, {"UGX", 0}, {"UYI", 0}, {"UYW", 4},
    {"VND", 0}, {"VUV", 0}, {"XAF", 0}, {"XOF", 0}, {"XPF", 0},
}};

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

DomainError invalid(std::string_view field, std::string message) {
    return DomainError{ErrorKind::invalid, std::string(field), std::move(message)};
}

// Splits "123.45" into its integer and fraction digits. Returns false unless the text is
// digits with an optional '.' followed by at least one digit, and no superfluous leading zero.
bool split_decimal(std::string_view text, std::string_view& integer_part,
                   std::string_view& fraction_part) {
    const std::size_t point = text.find('.');
    integer_part = text.substr(0, point);
    fraction_part = point == std::string_view::npos ? std::string_view{} : text.substr(point + 1);
    if (!is_digits(integer_part) || (integer_part.size() > 1 && integer_part.front() == '0')) {
        return false;
    }
    return point == std::string_view::npos || is_digits(fraction_part);
}

// Appends decimal digits to `value`. Returns false when the result would exceed kMaxMinor.
bool append_digits(std::int64_t& value, std::string_view digits) {
    for (char c : digits) {
        const int digit = c - '0';
        if (value > (kMaxMinor - digit) / 10) {
            return false;
        }
        value = value * 10 + digit;
    }
    return true;
}

// numerator / denominator rounded to the nearest integer, ties to the even neighbour.
// `denominator` must be positive.
Int128 divide_half_even(Int128 numerator, Int128 denominator) {
    Int128 quotient = numerator / denominator;
    const Int128 remainder = numerator % denominator;  // same sign as numerator
    const Int128 twice = (remainder < 0 ? -remainder : remainder) * 2;
    const bool round_away = twice > denominator || (twice == denominator && quotient % 2 != 0);
    if (round_away) {
        quotient += numerator < 0 ? -1 : 1;
    }
    return quotient;
}

}  // namespace

std::optional<int> currency_digits(std::string_view code) {
    if (code.size() != 3 ||
        !std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
        return std::nullopt;
    }
    for (const auto& [currency, digits] : kNonDefaultDigits) {
        if (currency == code) {
            return digits;
        }
    }
    return 2;
}

Result<std::int64_t> parse_minor_units(std::string_view text, int digits, std::string_view field) {
    std::string_view integer_part;
    std::string_view fraction_part;
    if (!split_decimal(text, integer_part, fraction_part)) {
        return invalid(field, "invalid amount '" + std::string(text) +
                                  "': expected a decimal string such as \"12.34\", without sign "
                                  "or exponent");
    }
    if (fraction_part.size() > static_cast<std::size_t>(digits)) {
        return invalid(field, "amount '" + std::string(text) + "' has more than " +
                                  std::to_string(digits) + " decimals");
    }

    std::int64_t minor = 0;
    const std::string padding(static_cast<std::size_t>(digits) - fraction_part.size(), '0');
    if (!append_digits(minor, integer_part) || !append_digits(minor, fraction_part) ||
        !append_digits(minor, padding)) {
        return invalid(field, "amount '" + std::string(text) + "' is too large");
    }
    return minor;
}

Result<Money> parse_item_amount(std::string_view amount, std::string_view currency) {
    const std::optional<int> digits = currency_digits(currency);
    if (!digits) {
        return invalid("amount.currency", "invalid currency '" + std::string(currency) +
                                              "': expected an ISO 4217 code such as \"EUR\"");
    }
    Result<std::int64_t> minor = parse_minor_units(amount, *digits, "amount.amount");
    if (!minor.ok()) {
        return minor.error();
    }
    if (minor.value() == 0) {
        return invalid("amount.amount", "amount must be greater than zero");
    }
    return Money{minor.value(), std::string(currency)};
}

std::string format_minor_units(std::int64_t minor, int digits) {
    // The magnitude as unsigned, so that the most negative value does not overflow.
    const std::uint64_t magnitude =
        minor < 0 ? 0 - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
    std::string text = std::to_string(magnitude);
    if (digits > 0) {
        const auto width = static_cast<std::size_t>(digits);
        if (text.size() <= width) {
            text.insert(0, width + 1 - text.size(), '0');
        }
        text.insert(text.size() - width, 1, '.');
    }
    return minor < 0 ? "-" + text : text;
}

std::string format_amount(const Money& money) {
    return format_minor_units(money.minor, currency_digits(money.currency).value_or(2));
}

Result<Money> add(const Money& a, const Money& b) {
    if (a.currency != b.currency) {
        return invalid("currency", "cannot add " + a.currency + " to " + b.currency);
    }
    std::int64_t sum = 0;
    if (__builtin_add_overflow(a.minor, b.minor, &sum)) {
        return DomainError{ErrorKind::rule_violated, "",
                           "total exceeds the largest storable amount of " + a.currency};
    }
    return Money{sum, a.currency};
}

Result<Rate> parse_rate(std::string_view text, std::string_view field) {
    std::string_view integer_part;
    std::string_view fraction_part;
    if (!split_decimal(text, integer_part, fraction_part) ||
        integer_part.size() > static_cast<std::size_t>(kMaxRateIntegerDigits) ||
        fraction_part.size() > static_cast<std::size_t>(kMaxRateDecimals)) {
        return invalid(field, "invalid rate '" + std::string(text) +
                                  "': expected a positive decimal with at most " +
                                  std::to_string(kMaxRateIntegerDigits) + " digits before and " +
                                  std::to_string(kMaxRateDecimals) + " after the point");
    }

    // At most 18 digits in all, so this cannot overflow.
    std::int64_t units = 0;
    append_digits(units, integer_part);
    append_digits(units, fraction_part);
    if (units == 0) {
        return invalid(field, "rate must be greater than zero");
    }
    return Rate{units, static_cast<int>(fraction_part.size())};
}

std::string format_rate(Rate rate) {
    return format_minor_units(rate.units, rate.scale);
}

Result<Money> convert(const Money& amount, Rate rate, std::string_view base_currency) {
    const std::optional<int> base_digits = currency_digits(base_currency);
    if (!base_digits) {
        return invalid("currency", "invalid base currency '" + std::string(base_currency) + "'");
    }
    const int source_digits = currency_digits(amount.currency).value_or(2);
    DomainError too_large{ErrorKind::rule_violated, "amount.amount",
                          "amount " + format_amount(amount) + " " + amount.currency +
                              " is too large to convert to " + std::string(base_currency)};

    // base_minor = minor * units * 10^base_digits / 10^(scale + source_digits). |minor| < 2^63
    // and units < 10^18 < 2^60, so the product fits the 127 value bits of Int128.
    Int128 value = static_cast<Int128>(amount.minor) * rate.units;
    const int exponent = *base_digits - rate.scale - source_digits;
    if (exponent >= 0) {
        for (int i = 0; i < exponent; ++i) {
            if (value > kMaxMinor || value < -kMaxMinor) {
                return too_large;
            }
            value *= 10;
        }
    } else {
        Int128 divisor = 1;
        for (int i = 0; i < -exponent; ++i) {
            divisor *= 10;
        }
        value = divide_half_even(value, divisor);
    }

    if (value > kMaxMinor || value < std::numeric_limits<std::int64_t>::min()) {
        return too_large;
    }
    return Money{static_cast<std::int64_t>(value), std::string(base_currency)};
}

}  // namespace kronos::expense::domain
