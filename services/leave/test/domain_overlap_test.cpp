#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "domain/day_count.hpp"
#include "domain_test_dates.hpp"

namespace kronos::leave::domain {
namespace {

using testing::date;

// Monday 2026-03-02 is 20514 days after 1970-01-01.
constexpr std::int64_t kMonday = 20514;

LeaveSpan span(std::string_view start, std::string_view end, StartHalf start_half = StartHalf::full,
               EndHalf end_half = EndHalf::full) {
    return LeaveSpan{date(start), date(end), start_half, end_half};
}

ExpandedLeave expand(const LeaveSpan& leave_span) {
    Result<ExpandedLeave> leave = expand_leave(leave_span, {});
    if (!leave.ok()) {
        throw std::invalid_argument(leave.error().message);
    }
    return std::move(leave).value();
}

TEST(HalfDayOrdinal, CountsHalvesSinceEpoch) {
    EXPECT_EQ(half_day_ordinal(date("1970-01-01"), Slot::am), 0);
    EXPECT_EQ(half_day_ordinal(date("1970-01-01"), Slot::pm), 1);
    EXPECT_EQ(half_day_ordinal(date("1970-01-02"), Slot::am), 2);
    EXPECT_EQ(half_day_ordinal(date("2026-03-02"), Slot::pm), kMonday * 2 + 1);
    EXPECT_EQ(half_day_ordinal(date("1969-12-31"), Slot::am), -2);
}

TEST(HalfDayRange, FollowsHalfFields) {
    EXPECT_EQ(half_day_range(span("2026-03-02", "2026-03-02")),
              (HalfDayRange{kMonday * 2, kMonday * 2 + 2}));
    EXPECT_EQ(half_day_range(span("2026-03-02", "2026-03-03", StartHalf::pm)),
              (HalfDayRange{kMonday * 2 + 1, kMonday * 2 + 4}));
    EXPECT_EQ(half_day_range(span("2026-03-02", "2026-03-03", StartHalf::full, EndHalf::am)),
              (HalfDayRange{kMonday * 2, kMonday * 2 + 3}));
    // Untrimmed: a span starting on Saturday begins on Saturday.
    EXPECT_EQ(half_day_range(span("2026-03-07", "2026-03-09")).begin, (kMonday + 5) * 2);
}

TEST(HalfDayRange, OccupiedRangeTrimsNonWorkingEnds) {
    // Saturday 2026-03-07 to Tuesday 2026-03-17, Sunday 2026-03-15 inside.
    const ExpandedLeave leave = expand(span("2026-03-07", "2026-03-17"));
    EXPECT_EQ(leave.occupied, (HalfDayRange{(kMonday + 7) * 2, (kMonday + 15) * 2 + 2}));
}

TEST(HalfDayRange, OccupiedRangeKeepsHalves) {
    const ExpandedLeave leave =
        expand(span("2026-03-02", "2026-03-04", StartHalf::pm, EndHalf::am));
    EXPECT_EQ(leave.occupied, (HalfDayRange{kMonday * 2 + 1, (kMonday + 2) * 2 + 1}));
}

struct OverlapCase {
    const char* name;
    LeaveSpan first;
    LeaveSpan second;
    bool expected;
};

TEST(Overlap, HalfDayResolution) {
    const OverlapCase cases[] = {
        {"same day", span("2026-03-02", "2026-03-02"), span("2026-03-02", "2026-03-02"), true},
        {"morning then afternoon of one day",
         span("2026-03-02", "2026-03-02", StartHalf::full, EndHalf::am),
         span("2026-03-02", "2026-03-02", StartHalf::pm), false},
        {"afternoon then morning of one day", span("2026-03-02", "2026-03-02", StartHalf::pm),
         span("2026-03-02", "2026-03-02", StartHalf::full, EndHalf::am), false},
        {"morning end meets afternoon start",
         span("2026-03-02", "2026-03-04", StartHalf::full, EndHalf::am),
         span("2026-03-04", "2026-03-06", StartHalf::pm), false},
        {"full end meets afternoon start", span("2026-03-02", "2026-03-04"),
         span("2026-03-04", "2026-03-06", StartHalf::pm), true},
        {"adjacent days", span("2026-03-02", "2026-03-03"), span("2026-03-04", "2026-03-05"),
         false},
        {"one inside the other", span("2026-03-02", "2026-03-06"),
         span("2026-03-04", "2026-03-04", StartHalf::pm), true},
        {"share only a weekend", span("2026-03-05", "2026-03-07"), span("2026-03-07", "2026-03-10"),
         false},
        {"different weeks", span("2026-03-02", "2026-03-06"), span("2026-03-09", "2026-03-13"),
         false},
    };
    for (const OverlapCase& c : cases) {
        const ExpandedLeave first = expand(c.first);
        const ExpandedLeave second = expand(c.second);
        EXPECT_EQ(overlaps(first, second), c.expected) << c.name;
        EXPECT_EQ(overlaps(second, first), c.expected) << c.name << " (reversed)";
        EXPECT_EQ(overlaps(first.occupied, second.occupied), c.expected) << c.name << " (ranges)";
    }
}

TEST(Overlap, UntrimmedRangesMeetOnWeekend) {
    // Thursday to Saturday and Saturday to Tuesday share only a Saturday: the untrimmed ranges
    // intersect although no working half day is shared.
    EXPECT_TRUE(overlaps(half_day_range(span("2026-03-05", "2026-03-07")),
                         half_day_range(span("2026-03-07", "2026-03-10"))));
}

TEST(OccupiedSlots, ListsMorningAndAfternoon) {
    const ExpandedLeave leave =
        expand(span("2026-03-02", "2026-03-03", StartHalf::pm, EndHalf::am));
    const std::vector<HalfDaySlot> expected{{date("2026-03-02"), Slot::pm},
                                            {date("2026-03-03"), Slot::am}};
    EXPECT_EQ(occupied_slots(leave.days), expected);

    const ExpandedLeave full = expand(span("2026-03-02", "2026-03-02"));
    const std::vector<HalfDaySlot> both{{date("2026-03-02"), Slot::am},
                                        {date("2026-03-02"), Slot::pm}};
    EXPECT_EQ(occupied_slots(full.days), both);
}

}  // namespace
}  // namespace kronos::leave::domain
