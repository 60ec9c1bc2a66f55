#pragma once

// Calendar dates as the API carries them: ISO 8601 `YYYY-MM-DD`, never shifted by a time zone.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace kronos::core {

using Date = std::chrono::year_month_day;

// Parses exactly `YYYY-MM-DD` (four-digit year 1900-9999) and rejects impossible dates such as
// 2026-02-30. Returns nullopt on any other input.
std::optional<Date> parse_date(std::string_view text);

// Formats as `YYYY-MM-DD`.
std::string format_date(Date date);

// Today's date in UTC.
Date today_utc();

}  // namespace kronos::core
