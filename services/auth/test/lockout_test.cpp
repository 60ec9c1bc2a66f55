#include "domain/lockout.hpp"

#include <gtest/gtest.h>

namespace kronos::auth {
namespace {

TEST(LockoutSchedule, DoublesFromOneMinuteToOneHour) {
    const LockoutPolicy policy;
    const std::pair<std::int64_t, std::int64_t> expected[] = {
        {1, 60},   {2, 120},  {3, 240},  {4, 480},    {5, 960},
        {6, 1920}, {7, 3600}, {8, 3600}, {100, 3600},
    };
    for (const auto& [lockout, seconds] : expected) {
        EXPECT_EQ(policy.lock_duration(lockout).count(), seconds) << "lockout " << lockout;
    }
}

TEST(LockoutSchedule, DefaultsMatchPolicy) {
    const LockoutPolicy policy;
    EXPECT_EQ(policy.max_failures, 5);
    EXPECT_EQ(policy.failure_window.count(), 15 * 60);
}

TEST(LockoutSchedule, NonPositiveLockoutGetsFirstLock) {
    const LockoutPolicy policy;
    EXPECT_EQ(policy.lock_duration(0).count(), 60);
}

}  // namespace
}  // namespace kronos::auth
