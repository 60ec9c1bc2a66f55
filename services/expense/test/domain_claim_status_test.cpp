#include <gtest/gtest.h>

#include <map>
#include <utility>

#include "domain/claim_status.hpp"

namespace kronos::expense::domain {
namespace {

constexpr ClaimStatus kStatuses[] = {ClaimStatus::draft, ClaimStatus::submitted,
                                     ClaimStatus::approved, ClaimStatus::rejected,
                                     ClaimStatus::reimbursed};
constexpr ClaimAction kActions[] = {ClaimAction::submit, ClaimAction::approve, ClaimAction::reject,
                                    ClaimAction::return_for_changes, ClaimAction::reimburse};

TEST(ClaimStatus, EveryTransition) {
    const std::map<std::pair<ClaimStatus, ClaimAction>, ClaimStatus> allowed{
        {{ClaimStatus::draft, ClaimAction::submit}, ClaimStatus::submitted},
        {{ClaimStatus::submitted, ClaimAction::approve}, ClaimStatus::approved},
        {{ClaimStatus::submitted, ClaimAction::reject}, ClaimStatus::rejected},
        {{ClaimStatus::submitted, ClaimAction::return_for_changes}, ClaimStatus::draft},
        {{ClaimStatus::approved, ClaimAction::reimburse}, ClaimStatus::reimbursed},
    };
    for (ClaimStatus from : kStatuses) {
        for (ClaimAction action : kActions) {
            const Result<ClaimStatus> next = next_claim_status(from, action);
            const auto expected = allowed.find({from, action});
            if (expected != allowed.end()) {
                ASSERT_TRUE(next.ok()) << to_string(action) << " from " << to_string(from);
                EXPECT_EQ(next.value(), expected->second);
            } else {
                ASSERT_FALSE(next.ok()) << to_string(action) << " from " << to_string(from);
                EXPECT_EQ(next.error().kind, ErrorKind::conflict);
            }
        }
    }
}

TEST(ClaimStatus, ConflictMessageNamesActionAndStatus) {
    const Result<ClaimStatus> next =
        next_claim_status(ClaimStatus::draft, ClaimAction::return_for_changes);
    ASSERT_FALSE(next.ok());
    EXPECT_EQ(next.error().message, "cannot return a claim that is draft");
}

TEST(ClaimStatus, NamesRoundTrip) {
    for (ClaimStatus status : kStatuses) {
        EXPECT_EQ(parse_claim_status(to_string(status)), status);
    }
    EXPECT_FALSE(parse_claim_status("Draft").has_value());
    EXPECT_FALSE(parse_claim_status("paid").has_value());
    EXPECT_EQ(to_string(ClaimAction::return_for_changes), "return");
}

}  // namespace
}  // namespace kronos::expense::domain
