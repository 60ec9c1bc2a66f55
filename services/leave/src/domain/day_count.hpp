#pragma once

// Day counting for leave requests: working days, expansion of a request into dated half or
// full days, half-day ordinals for overlap checks, and the split of a request per calendar year.

#include <compare>
#include <cstdint>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "domain/days.hpp"
#include "domain/error.hpp"
#include "kronos/core/date.hpp"

namespace kronos::leave::domain {

using kronos::core::Date;
using HolidaySet = std::set<Date>;

// Longest request, in calendar days from start_date to end_date inclusive. It bounds the work
// one request can cause, and a year of leave in a leap year fits.
inline constexpr int kMaxSpanDays = 366;

// Monday to Friday, unless the date is in `holidays`.
bool is_working_day(Date date, const HolidaySet& holidays);

enum class StartHalf { full, pm };  // pm: the first day starts at noon
enum class EndHalf { full, am };    // am: the last day ends at noon

// Parse the API strings "full"/"pm" and "full"/"am". An absent field means full.
std::optional<StartHalf> parse_start_half(std::string_view text);
std::optional<EndHalf> parse_end_half(std::string_view text);
std::string_view to_string(StartHalf half);
std::string_view to_string(EndHalf half);

struct LeaveSpan {
    Date start_date;
    Date end_date;
    StartHalf start_half = StartHalf::full;
    EndHalf end_half = EndHalf::full;
};

enum class DayPart { full, am, pm };

struct LeaveDay {
    Date date;
    DayPart part = DayPart::full;

    Tenths days() const { return part == DayPart::full ? kFullDay : kHalfDay; }
    bool operator==(const LeaveDay&) const = default;
};

// Half-open interval [begin, end) of half-day ordinals (see half_day_ordinal), the form of a
// PostgreSQL int8range.
struct HalfDayRange {
    std::int64_t begin = 0;
    std::int64_t end = 0;
    bool operator==(const HalfDayRange&) const = default;
};

struct ExpandedLeave {
    std::vector<LeaveDay> days;  // working days only, in date order
    Tenths total = 0;
    // From the first to the last occupied half day. Trimming the non-working ends makes two
    // ranges intersect exactly when the requests share a working half day (given the same
    // holidays), because a request occupies every working half day between its ends.
    HalfDayRange occupied;
};

// Expands a request into its working days. Errors, all ErrorKind::rule_violated:
//   end_date   before start_date, longer than kMaxSpanDays, or no working day in the span
//   end_half   both halves set on a one-day request
//   start_half/end_half   a half day that falls on a non-working day
Result<ExpandedLeave> expand_leave(const LeaveSpan& span, const HolidaySet& holidays);

// Rejects a half-day request for a leave type whose allow_half_day is false (rule_violated,
// naming the half field that is set).
std::optional<DomainError> check_half_days_allowed(const LeaveSpan& span, bool allow_half_day);

enum class Slot { am, pm };

// Days since 1970-01-01 times two, plus one for the afternoon.
std::int64_t half_day_ordinal(Date date, Slot slot);

// The untrimmed interval of a request: start_date*2 (+1 when start_half is pm) up to
// end_date*2 + 2 (+1 only when end_half is am). Prefer ExpandedLeave::occupied for overlap.
HalfDayRange half_day_range(const LeaveSpan& span);

bool overlaps(HalfDayRange a, HalfDayRange b);

struct HalfDaySlot {
    Date date;
    Slot slot = Slot::am;
    auto operator<=>(const HalfDaySlot&) const = default;
};

// The morning and afternoon slots taken by the given days, in order.
std::vector<HalfDaySlot> occupied_slots(const std::vector<LeaveDay>& days);

// True when the two expanded requests share at least one half-day slot.
bool overlaps(const ExpandedLeave& a, const ExpandedLeave& b);

struct YearDays {
    int year = 0;
    Tenths days = 0;
    bool operator==(const YearDays&) const = default;
};

// Days charged to each calendar year, in year order. Years without a working day are left out.
std::vector<YearDays> days_per_year(const std::vector<LeaveDay>& days);

}  // namespace kronos::leave::domain
