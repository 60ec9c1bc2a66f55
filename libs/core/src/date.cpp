#include "kronos/core/date.hpp"

#include <cstdio>

namespace kronos::core {

namespace {

std::optional<int> parse_digits(std::string_view text) {
    int value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    return value;
}

}  // namespace

std::optional<Date> parse_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        return std::nullopt;
    }
    auto year = parse_digits(text.substr(0, 4));
    auto month = parse_digits(text.substr(5, 2));
    auto day = parse_digits(text.substr(8, 2));
    if (!year || !month || !day || *year < 1900) {
        return std::nullopt;
    }
    Date date{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
              std::chrono::day{static_cast<unsigned>(*day)}};
    if (!date.ok()) {
        return std::nullopt;
    }
    return date;
}

std::string format_date(Date date) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return buffer;
}

Date today_utc() {
    return Date{std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
}

}  // namespace kronos::core
