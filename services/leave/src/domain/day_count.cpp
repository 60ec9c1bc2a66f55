#include "domain/day_count.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <string>

namespace kronos::leave::domain {

namespace {

using std::chrono::days;
using std::chrono::sys_days;

std::int64_t days_since_epoch(Date date) {
    return sys_days{date}.time_since_epoch().count();
}

DomainError rule_violated(std::string field, std::string message) {
    return DomainError{ErrorKind::rule_violated, std::move(field), std::move(message)};
}

std::optional<DomainError> check_span(const LeaveSpan& span) {
    const std::int64_t length =
        days_since_epoch(span.end_date) - days_since_epoch(span.start_date) + 1;
    if (length < 1) {
        return rule_violated("end_date", "end_date " + core::format_date(span.end_date) +
                                             " is before start_date " +
                                             core::format_date(span.start_date));
    }
    if (length > kMaxSpanDays) {
        return rule_violated("end_date", "a request may span at most " +
                                             std::to_string(kMaxSpanDays) +
                                             " calendar days; split it into several requests");
    }
    if (length == 1 && span.start_half == StartHalf::pm && span.end_half == EndHalf::am) {
        return rule_violated("end_half",
                             "a one-day request may set start_half \"pm\" or end_half \"am\", "
                             "not both");
    }
    return std::nullopt;
}

std::optional<DomainError> check_half_days_on_working_days(const LeaveSpan& span,
                                                           const HolidaySet& holidays) {
    if (span.start_half == StartHalf::pm && !is_working_day(span.start_date, holidays)) {
        return rule_violated("start_half", "start_half is \"pm\" but start_date " +
                                               core::format_date(span.start_date) +
                                               " is not a working day");
    }
    if (span.end_half == EndHalf::am && !is_working_day(span.end_date, holidays)) {
        return rule_violated("end_half", "end_half is \"am\" but end_date " +
                                             core::format_date(span.end_date) +
                                             " is not a working day");
    }
    return std::nullopt;
}

}  // namespace

bool is_working_day(Date date, const HolidaySet& holidays) {
    const std::chrono::weekday weekday{sys_days{date}};
    if (weekday == std::chrono::Saturday || weekday == std::chrono::Sunday) {
        return false;
    }
    return !holidays.contains(date);
}

std::optional<StartHalf> parse_start_half(std::string_view text) {
    if (text == "full") {
        return StartHalf::full;
    }
    if (text == "pm") {
        return StartHalf::pm;
    }
    return std::nullopt;
}

std::optional<EndHalf> parse_end_half(std::string_view text) {
    if (text == "full") {
        return EndHalf::full;
    }
    if (text == "am") {
        return EndHalf::am;
    }
    return std::nullopt;
}

std::string_view to_string(StartHalf half) {
    return half == StartHalf::pm ? "pm" : "full";
}

std::string_view to_string(EndHalf half) {
    return half == EndHalf::am ? "am" : "full";
}

Result<ExpandedLeave> expand_leave(const LeaveSpan& span, const HolidaySet& holidays) {
    if (auto error = check_span(span)) {
        return *error;
    }
    if (auto error = check_half_days_on_working_days(span, holidays)) {
        return *error;
    }

    ExpandedLeave leave;
    const sys_days first{span.start_date};
    const sys_days last{span.end_date};
    for (sys_days day = first; day <= last; day += days{1}) {
        const Date date{day};
        if (!is_working_day(date, holidays)) {
            continue;
        }
        DayPart part = DayPart::full;
        if (day == first && span.start_half == StartHalf::pm) {
            part = DayPart::pm;
        } else if (day == last && span.end_half == EndHalf::am) {
            part = DayPart::am;
        }
        leave.days.push_back(LeaveDay{date, part});
        leave.total += leave.days.back().days();
    }

    if (leave.days.empty()) {
        return rule_violated("end_date", "the request from " + core::format_date(span.start_date) +
                                             " to " + core::format_date(span.end_date) +
                                             " contains no working day");
    }

    const LeaveDay& first_day = leave.days.front();
    const LeaveDay& last_day = leave.days.back();
    leave.occupied.begin =
        half_day_ordinal(first_day.date, first_day.part == DayPart::pm ? Slot::pm : Slot::am);
    leave.occupied.end =
        half_day_ordinal(last_day.date, last_day.part == DayPart::am ? Slot::am : Slot::pm) + 1;
    return leave;
}

std::optional<DomainError> check_half_days_allowed(const LeaveSpan& span, bool allow_half_day) {
    if (allow_half_day) {
        return std::nullopt;
    }
    if (span.start_half != StartHalf::full) {
        return rule_violated("start_half", "this leave type does not allow half days");
    }
    if (span.end_half != EndHalf::full) {
        return rule_violated("end_half", "this leave type does not allow half days");
    }
    return std::nullopt;
}

std::int64_t half_day_ordinal(Date date, Slot slot) {
    return days_since_epoch(date) * 2 + (slot == Slot::pm ? 1 : 0);
}

HalfDayRange half_day_range(const LeaveSpan& span) {
    return HalfDayRange{
        half_day_ordinal(span.start_date, span.start_half == StartHalf::pm ? Slot::pm : Slot::am),
        half_day_ordinal(span.end_date, span.end_half == EndHalf::am ? Slot::am : Slot::pm) + 1};
}

bool overlaps(HalfDayRange a, HalfDayRange b) {
    return a.begin < b.end && b.begin < a.end;
}

std::vector<HalfDaySlot> occupied_slots(const std::vector<LeaveDay>& days) {
    std::vector<HalfDaySlot> slots;
    slots.reserve(days.size() * 2);
    for (const LeaveDay& day : days) {
        if (day.part != DayPart::pm) {
            slots.push_back(HalfDaySlot{day.date, Slot::am});
        }
        if (day.part != DayPart::am) {
            slots.push_back(HalfDaySlot{day.date, Slot::pm});
        }
    }
    return slots;
}

bool overlaps(const ExpandedLeave& a, const ExpandedLeave& b) {
    const std::vector<HalfDaySlot> a_slots = occupied_slots(a.days);
    const std::vector<HalfDaySlot> b_slots = occupied_slots(b.days);
    auto a_it = a_slots.begin();
    auto b_it = b_slots.begin();
    while (a_it != a_slots.end() && b_it != b_slots.end()) {
        if (*a_it == *b_it) {
            return true;
        }
        if (*a_it < *b_it) {
            ++a_it;
        } else {
            ++b_it;
        }
    }
    return false;
}

std::vector<YearDays> days_per_year(const std::vector<LeaveDay>& days) {
    std::vector<YearDays> totals;
    for (const LeaveDay& day : days) {
        const int year = static_cast<int>(day.date.year());
        auto it = std::find_if(totals.begin(), totals.end(),
                               [year](const YearDays& entry) { return entry.year == year; });
        if (it == totals.end()) {
            totals.push_back(YearDays{year, 0});
            it = std::prev(totals.end());
        }
        it->days += day.days();
    }
    std::sort(totals.begin(), totals.end(),
              [](const YearDays& a, const YearDays& b) { return a.year < b.year; });
    return totals;
}

}  // namespace kronos::leave::domain
