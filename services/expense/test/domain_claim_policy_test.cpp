#include <gtest/gtest.h>

#include "domain/claim_policy.hpp"

namespace kronos::expense::domain {
namespace {

TEST(ClaimPolicy, ReceiptRequiredStrictlyOver) {
    const CategoryPolicy policy{.receipt_required_over = 2500};
    EXPECT_FALSE(receipt_required(Money{2500, "EUR"}, policy));
    EXPECT_TRUE(receipt_required(Money{2501, "EUR"}, policy));
    EXPECT_FALSE(receipt_required(Money{1'000'000, "EUR"}, CategoryPolicy{}));
}

TEST(ClaimPolicy, OverMaxPerItemIsViolation) {
    const CategoryPolicy policy{.max_per_item = 10000};
    EXPECT_TRUE(policy_violations(Money{10000, "EUR"}, policy).empty());

    const std::vector<PolicyViolation> violations = policy_violations(Money{15000, "EUR"}, policy);
    ASSERT_EQ(violations.size(), 1u);
    EXPECT_EQ(violations.front().code, "over_max_per_item");
    EXPECT_EQ(violations.front().message,
              "amount 150.00 EUR is over the category maximum of 100.00 EUR");
}

TEST(ClaimPolicy, NoLimitNoViolation) {
    EXPECT_TRUE(policy_violations(Money{1'000'000'000, "EUR"}, CategoryPolicy{}).empty());
}

TEST(ClaimPolicy, SubmitNeedsAnItem) {
    const auto error = check_submittable({});
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->kind, ErrorKind::rule_violated);
    EXPECT_EQ(error->field, "items");
}

TEST(ClaimPolicy, SubmitNeedsRequiredReceipts) {
    const std::vector<SubmitItem> items{
        {"a1", false, false},
        {"b2", true, true},
        {"c3", true, false},
    };
    const auto error = check_submittable(items);
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->field, "items.c3.receipt");

    EXPECT_FALSE(check_submittable({{"a1", false, false}, {"b2", true, true}}).has_value());
}

}  // namespace
}  // namespace kronos::expense::domain
