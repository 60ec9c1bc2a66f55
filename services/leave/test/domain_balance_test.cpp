#include <gtest/gtest.h>

#include <string>

#include "domain/balance.hpp"

namespace kronos::leave::domain {
namespace {

TEST(Balance, AvailableSumsLedger) {
    const Balance balance{
        .entitled = 250, .carried_over = 30, .adjusted = -15, .taken = 45, .pending = 20};
    EXPECT_EQ(available(balance), 200);
}

TEST(Balance, EachComponentCounts) {
    EXPECT_EQ(available(Balance{.entitled = 10}), 10);
    EXPECT_EQ(available(Balance{.carried_over = 10}), 10);
    EXPECT_EQ(available(Balance{.adjusted = 10}), 10);
    EXPECT_EQ(available(Balance{.taken = 10}), -10);
    EXPECT_EQ(available(Balance{.pending = 10}), -10);
}

struct OverdrawCase {
    const char* name;
    Tenths available_days;
    Tenths requested;
    bool expected;
};

TEST(Balance, WouldOverdraw) {
    const OverdrawCase cases[] = {
        {"exactly available", 25, 25, false},
        {"half a day over", 25, 30, true},
        {"under", 25, 5, false},
        {"nothing left, half a day", 0, 5, true},
        {"already negative", -10, 5, true},
    };
    for (const OverdrawCase& c : cases) {
        EXPECT_EQ(would_overdraw(Balance{.entitled = c.available_days}, c.requested), c.expected)
            << c.name;
    }
}

TEST(Balance, OverdrawRejectedUnlessNegativeAllowed) {
    const Balance balance{.entitled = 250, .taken = 240};

    const auto error = check_balance(balance, 15, 2026, false);
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->kind, ErrorKind::rule_violated);
    EXPECT_NE(error->message.find("1.5"), std::string::npos) << error->message;
    EXPECT_NE(error->message.find("1.0"), std::string::npos) << error->message;
    EXPECT_NE(error->message.find("2026"), std::string::npos) << error->message;

    EXPECT_FALSE(check_balance(balance, 15, 2026, true).has_value());
    EXPECT_FALSE(check_balance(balance, 10, 2026, false).has_value());
}

TEST(Balance, PendingReservesDays) {
    // Two pending requests of 10 days against 25: a third of 10 would overdraw.
    const Balance balance{.entitled = 250, .pending = 200};
    EXPECT_TRUE(check_balance(balance, 100, 2026, false).has_value());
    EXPECT_FALSE(check_balance(balance, 50, 2026, false).has_value());
}

}  // namespace
}  // namespace kronos::leave::domain
