#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "domain/day_count.hpp"
#include "domain_test_dates.hpp"

namespace kronos::leave::domain {
namespace {

using testing::date;

// 2026-03-02 is a Monday and 2026-12-25 a Friday.
const HolidaySet kChristmas{date("2026-12-25")};

LeaveSpan span(std::string_view start, std::string_view end, StartHalf start_half = StartHalf::full,
               EndHalf end_half = EndHalf::full) {
    return LeaveSpan{date(start), date(end), start_half, end_half};
}

std::vector<std::string> describe(const std::vector<LeaveDay>& days) {
    std::vector<std::string> lines;
    for (const LeaveDay& day : days) {
        const char* part = day.part == DayPart::full ? "full"
                           : day.part == DayPart::am ? "am"
                                                     : "pm";
        lines.push_back(core::format_date(day.date) + " " + part);
    }
    return lines;
}

TEST(WorkingDay, WeekendIsNotWorking) {
    EXPECT_TRUE(is_working_day(date("2026-03-06"), {}));   // Friday
    EXPECT_FALSE(is_working_day(date("2026-03-07"), {}));  // Saturday
    EXPECT_FALSE(is_working_day(date("2026-03-08"), {}));  // Sunday
    EXPECT_TRUE(is_working_day(date("2026-03-09"), {}));   // Monday
}

TEST(WorkingDay, HolidayIsNotWorking) {
    EXPECT_FALSE(is_working_day(date("2026-12-25"), kChristmas));
    EXPECT_TRUE(is_working_day(date("2026-12-24"), kChristmas));
}

struct CountCase {
    const char* name;
    LeaveSpan span;
    Tenths expected_total;
    std::vector<std::string> expected_days;
};

TEST(DayCount, CountsWorkingDaysOnly) {
    const CountCase cases[] = {
        {"one full day", span("2026-03-02", "2026-03-02"), 10, {"2026-03-02 full"}},
        {"whole week",
         span("2026-03-02", "2026-03-06"),
         50,
         {"2026-03-02 full", "2026-03-03 full", "2026-03-04 full", "2026-03-05 full",
          "2026-03-06 full"}},
        {"across a weekend",
         span("2026-03-06", "2026-03-09"),
         20,
         {"2026-03-06 full", "2026-03-09 full"}},
        {"across a holiday",
         span("2026-12-24", "2026-12-28"),
         20,
         {"2026-12-24 full", "2026-12-28 full"}},
        {"afternoon start",
         span("2026-03-02", "2026-03-03", StartHalf::pm),
         15,
         {"2026-03-02 pm", "2026-03-03 full"}},
        {"morning end",
         span("2026-03-02", "2026-03-03", StartHalf::full, EndHalf::am),
         15,
         {"2026-03-02 full", "2026-03-03 am"}},
        {"both halves on two days",
         span("2026-03-02", "2026-03-03", StartHalf::pm, EndHalf::am),
         10,
         {"2026-03-02 pm", "2026-03-03 am"}},
        {"one afternoon", span("2026-03-02", "2026-03-02", StartHalf::pm), 5, {"2026-03-02 pm"}},
        {"one morning",
         span("2026-03-02", "2026-03-02", StartHalf::full, EndHalf::am),
         5,
         {"2026-03-02 am"}},
        {"weekend at both ends",
         span("2026-03-07", "2026-03-15"),
         50,
         {"2026-03-09 full", "2026-03-10 full", "2026-03-11 full", "2026-03-12 full",
          "2026-03-13 full"}},
    };
    for (const CountCase& c : cases) {
        const Result<ExpandedLeave> leave = expand_leave(c.span, kChristmas);
        ASSERT_TRUE(leave.ok()) << c.name << ": " << leave.error().message;
        EXPECT_EQ(leave.value().total, c.expected_total) << c.name;
        EXPECT_EQ(describe(leave.value().days), c.expected_days) << c.name;
    }
}

TEST(DayCount, DayFractionsAreTenths) {
    EXPECT_EQ((LeaveDay{date("2026-03-02"), DayPart::full}.days()), 10);
    EXPECT_EQ((LeaveDay{date("2026-03-02"), DayPart::am}.days()), 5);
    EXPECT_EQ((LeaveDay{date("2026-03-02"), DayPart::pm}.days()), 5);
}

struct RejectCase {
    const char* name;
    LeaveSpan span;
    std::string expected_field;
};

TEST(DayCount, RejectsRuleViolations) {
    const RejectCase cases[] = {
        {"end before start", span("2026-03-03", "2026-03-02"), "end_date"},
        {"both halves on one day", span("2026-03-02", "2026-03-02", StartHalf::pm, EndHalf::am),
         "end_half"},
        {"only a weekend", span("2026-03-07", "2026-03-08"), "end_date"},
        {"only a holiday", span("2026-12-25", "2026-12-25"), "end_date"},
        {"afternoon start on a Saturday", span("2026-03-07", "2026-03-09", StartHalf::pm),
         "start_half"},
        {"morning end on a Sunday", span("2026-03-06", "2026-03-08", StartHalf::full, EndHalf::am),
         "end_half"},
        {"span over the maximum", span("2026-01-01", "2027-01-02"), "end_date"},
    };
    for (const RejectCase& c : cases) {
        const Result<ExpandedLeave> leave = expand_leave(c.span, kChristmas);
        ASSERT_FALSE(leave.ok()) << c.name;
        EXPECT_EQ(leave.error().kind, ErrorKind::rule_violated) << c.name;
        EXPECT_EQ(leave.error().field, c.expected_field) << c.name;
        EXPECT_FALSE(leave.error().message.empty()) << c.name;
    }
}

TEST(DayCount, HalfDayOnHolidayRejected) {
    const Result<ExpandedLeave> leave =
        expand_leave(span("2026-12-25", "2026-12-28", StartHalf::pm), kChristmas);
    ASSERT_FALSE(leave.ok());
    EXPECT_EQ(leave.error().field, "start_half");
    EXPECT_NE(leave.error().message.find("2026-12-25"), std::string::npos);
}

TEST(DayCount, MaximumSpanAccepted) {
    // 2028 is a leap year, so 2028-01-01..2028-12-31 is exactly kMaxSpanDays long.
    const Result<ExpandedLeave> leave = expand_leave(span("2028-01-01", "2028-12-31"), {});
    ASSERT_TRUE(leave.ok());
    EXPECT_EQ(leave.value().days.size(), 260u);
}

TEST(DayCount, HalfDaysForbiddenByType) {
    EXPECT_FALSE(check_half_days_allowed(span("2026-03-02", "2026-03-03"), false).has_value());
    EXPECT_FALSE(
        check_half_days_allowed(span("2026-03-02", "2026-03-03", StartHalf::pm), true).has_value());

    const auto start =
        check_half_days_allowed(span("2026-03-02", "2026-03-03", StartHalf::pm), false);
    ASSERT_TRUE(start.has_value());
    EXPECT_EQ(start->field, "start_half");
    EXPECT_EQ(start->kind, ErrorKind::rule_violated);

    const auto end = check_half_days_allowed(
        span("2026-03-02", "2026-03-03", StartHalf::full, EndHalf::am), false);
    ASSERT_TRUE(end.has_value());
    EXPECT_EQ(end->field, "end_half");
}

TEST(DayCount, ParsesHalfNames) {
    EXPECT_EQ(parse_start_half("full"), StartHalf::full);
    EXPECT_EQ(parse_start_half("pm"), StartHalf::pm);
    EXPECT_FALSE(parse_start_half("am").has_value());
    EXPECT_FALSE(parse_start_half("PM").has_value());
    EXPECT_EQ(parse_end_half("full"), EndHalf::full);
    EXPECT_EQ(parse_end_half("am"), EndHalf::am);
    EXPECT_FALSE(parse_end_half("pm").has_value());
    EXPECT_EQ(to_string(StartHalf::pm), "pm");
    EXPECT_EQ(to_string(EndHalf::am), "am");
    EXPECT_EQ(to_string(EndHalf::full), "full");
}

TEST(YearSplit, ChargesEachYearItsOwnDays) {
    // Wednesday 2026-12-30 to Monday 2027-01-04, with New Year's Day a holiday.
    const HolidaySet holidays{date("2027-01-01")};
    const Result<ExpandedLeave> leave = expand_leave(span("2026-12-30", "2027-01-04"), holidays);
    ASSERT_TRUE(leave.ok());
    const std::vector<YearDays> expected{{2026, 20}, {2027, 10}};
    EXPECT_EQ(days_per_year(leave.value().days), expected);
}

TEST(YearSplit, HalfDayAtYearEnd) {
    const Result<ExpandedLeave> leave =
        expand_leave(span("2026-12-31", "2027-01-01", StartHalf::pm, EndHalf::am), {});
    ASSERT_TRUE(leave.ok());
    const std::vector<YearDays> expected{{2026, 5}, {2027, 5}};
    EXPECT_EQ(days_per_year(leave.value().days), expected);
}

TEST(YearSplit, SingleYearHasOneEntry) {
    const Result<ExpandedLeave> leave = expand_leave(span("2026-03-02", "2026-03-06"), {});
    ASSERT_TRUE(leave.ok());
    const std::vector<YearDays> expected{{2026, 50}};
    EXPECT_EQ(days_per_year(leave.value().days), expected);
}

}  // namespace
}  // namespace kronos::leave::domain
