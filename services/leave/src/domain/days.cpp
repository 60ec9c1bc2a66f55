#include "domain/days.hpp"

#include <limits>

namespace kronos::leave::domain {

namespace {

DomainError invalid_days(std::string_view text, std::string_view field) {
    return DomainError{ErrorKind::invalid, std::string(field),
                       "invalid number of days '" + std::string(text) +
                           "': expected a decimal with at most one decimal place, such as "
                           "\"2.5\" or \"-1.0\""};
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

}  // namespace

Result<Tenths> parse_days(std::string_view text, std::string_view field) {
    std::string_view rest = text;
    bool negative = false;
    if (!rest.empty() && rest.front() == '-') {
        negative = true;
        rest.remove_prefix(1);
    }

    std::string_view integer_part = rest.substr(0, rest.find('.'));
    std::string_view fraction_part;
    if (integer_part.size() < rest.size()) {
        fraction_part = rest.substr(integer_part.size() + 1);
        if (fraction_part.size() != 1 || !is_digit(fraction_part.front())) {
            return invalid_days(text, field);
        }
    }
    if (integer_part.empty() || (integer_part.size() > 1 && integer_part.front() == '0')) {
        return invalid_days(text, field);
    }

    // Accumulate as a negative number so that the most negative Tenths still parses.
    constexpr Tenths kMin = std::numeric_limits<Tenths>::min();
    Tenths value = 0;
    auto append_digit = [&value](char c) {
        if (!is_digit(c) || value < (kMin + (c - '0')) / 10) {
            return false;
        }
        value = value * 10 - (c - '0');
        return true;
    };
    for (char c : integer_part) {
        if (!append_digit(c)) {
            return invalid_days(text, field);
        }
    }
    if (!append_digit(fraction_part.empty() ? '0' : fraction_part.front())) {
        return invalid_days(text, field);
    }

    if (negative) {
        return value;
    }
    if (value == kMin) {
        return invalid_days(text, field);
    }
    return -value;
}

std::string format_days(Tenths days) {
    // The magnitude as unsigned, so that the most negative value does not overflow.
    std::uint64_t magnitude =
        days < 0 ? 0 - static_cast<std::uint64_t>(days) : static_cast<std::uint64_t>(days);
    std::string text = std::to_string(magnitude / 10);
    text += '.';
    text += static_cast<char>('0' + magnitude % 10);
    return days < 0 ? "-" + text : text;
}

}  // namespace kronos::leave::domain
