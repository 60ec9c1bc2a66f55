#pragma once

// An iCalendar (RFC 5545) reader for holiday import. It takes the all-day events of the VEVENT
// components of a VCALENDAR as dated holidays, as exported by calendar programs and public
// holiday feeds.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/error.hpp"
#include "kronos/core/date.hpp"

namespace kronos::leave::domain {

struct ImportedHoliday {
    kronos::core::Date date;
    std::string name;
    bool operator==(const ImportedHoliday&) const = default;
};

struct ImportError {
    std::size_t line = 0;  // 1-based physical line in the input
    std::string message;
};

struct HolidayImport {
    std::vector<ImportedHoliday> holidays;  // in input order, one entry per date of an event
    std::vector<ImportError> errors;        // events that were skipped, and why
};

// Calendar years, both inclusive, for which yearly recurring events are expanded.
struct YearRange {
    int first = 0;
    int last = 0;
};

// Longest event accepted, in days. A holiday event longer than this is more likely a mistake.
inline constexpr int kMaxHolidayEventDays = 366;

// Parses `text` and returns one holiday per date of each VEVENT. Handles CRLF and LF line ends,
// folded lines, property parameters, escaped TEXT values, DTSTART/DTEND as DATE or DATE-TIME
// (DTEND exclusive), DURATION in days or weeks, EXDATE, and STATUS:CANCELLED events (skipped).
//
// Only the date part of a DATE-TIME is used and TZID or a trailing Z is not applied, so an
// all-day event exported as local midnight converted to UTC can land one day early.
//
// An RRULE with FREQ=YEARLY on the DTSTART month and day (optionally INTERVAL, COUNT, UNTIL)
// yields every occurrence in `recurrence_years`. Without a range it yields only the DTSTART
// occurrence. Other recurrence rules are reported as errors and the event is skipped.
//
// A malformed event is skipped and listed in `errors`. Input that does not start with
// BEGIN:VCALENDAR is rejected as a whole (ErrorKind::invalid, field "body").
Result<HolidayImport> parse_icalendar(std::string_view text,
                                      std::optional<YearRange> recurrence_years = std::nullopt);

}  // namespace kronos::leave::domain
