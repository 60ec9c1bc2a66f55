#include <gtest/gtest.h>

#include <optional>

#include "domain/request_status.hpp"
#include "domain_test_dates.hpp"

namespace kronos::leave::domain {
namespace {

using testing::date;

const Actor kRequester{.is_requester = true};
const Actor kManager{.is_requesters_manager = true};
const Actor kHr{.is_hr_or_admin = true};
const Actor kHrRequester{.is_requester = true, .is_hr_or_admin = true};
const Actor kStranger{};

struct TransitionCase {
    const char* name;
    RequestStatus from;
    RequestAction action;
    Actor actor;
    const char* today;
    std::optional<RequestStatus> expected;  // nullopt: an error
    ErrorKind expected_error = ErrorKind::conflict;
};

TEST(RequestStatus, Transitions) {
    using enum RequestStatus;
    using enum RequestAction;
    // Every case concerns leave starting on 2026-03-10.
    const TransitionCase cases[] = {
        {"manager approves pending", pending, approve, kManager, "2026-03-01", approved},
        {"manager rejects pending", pending, reject, kManager, "2026-03-01", rejected},
        {"hr approves pending", pending, approve, kHr, "2026-03-01", approved},
        {"requester cancels pending", pending, cancel, kRequester, "2026-03-01", cancelled},
        {"requester cancels pending after start", pending, cancel, kRequester, "2026-03-12",
         cancelled},
        {"requester cancels approved before start", approved, cancel, kRequester, "2026-03-09",
         cancelled},
        {"requester cancels approved on start day", approved, cancel, kRequester, "2026-03-10",
         std::nullopt, ErrorKind::conflict},
        {"requester cancels approved after start", approved, cancel, kRequester, "2026-03-11",
         std::nullopt, ErrorKind::conflict},
        {"hr cancels approved after start", approved, cancel, kHr, "2026-03-11", cancelled},
        {"hr cancels own approved after start", approved, cancel, kHrRequester, "2026-03-11",
         cancelled},
        {"approve approved", approved, approve, kManager, "2026-03-01", std::nullopt},
        {"reject approved", approved, reject, kHr, "2026-03-01", std::nullopt},
        {"approve rejected", rejected, approve, kManager, "2026-03-01", std::nullopt},
        {"approve cancelled", cancelled, approve, kHr, "2026-03-01", std::nullopt},
        {"cancel rejected", rejected, cancel, kHr, "2026-03-01", std::nullopt},
        {"cancel cancelled", cancelled, cancel, kRequester, "2026-03-01", std::nullopt},
        {"requester approves own", pending, approve, kRequester, "2026-03-01", std::nullopt,
         ErrorKind::forbidden},
        {"hr approves own", pending, approve, kHrRequester, "2026-03-01", std::nullopt,
         ErrorKind::forbidden},
        {"requester rejects own", pending, reject, kRequester, "2026-03-01", std::nullopt,
         ErrorKind::forbidden},
        {"stranger approves", pending, approve, kStranger, "2026-03-01", std::nullopt,
         ErrorKind::forbidden},
        {"manager cancels", pending, cancel, kManager, "2026-03-01", std::nullopt,
         ErrorKind::forbidden},
    };
    for (const TransitionCase& c : cases) {
        const Result<RequestStatus> next =
            apply_action(c.from, c.action, c.actor, date("2026-03-10"), date(c.today));
        if (c.expected) {
            ASSERT_TRUE(next.ok()) << c.name << ": " << next.error().message;
            EXPECT_EQ(next.value(), *c.expected) << c.name;
        } else {
            ASSERT_FALSE(next.ok()) << c.name;
            EXPECT_EQ(next.error().kind, c.expected_error) << c.name;
            EXPECT_FALSE(next.error().message.empty()) << c.name;
        }
    }
}

TEST(RequestStatus, WrongStateMessageNamesStatus) {
    const Result<RequestStatus> next =
        apply_action(RequestStatus::rejected, RequestAction::approve, kManager, date("2026-03-10"),
                     date("2026-03-01"));
    ASSERT_FALSE(next.ok());
    EXPECT_EQ(next.error().message, "cannot approve a request that is rejected");
}

TEST(RequestStatus, InitialStatusFollowsApprovalSetting) {
    EXPECT_EQ(initial_status(true), RequestStatus::pending);
    EXPECT_EQ(initial_status(false), RequestStatus::approved);
}

TEST(RequestStatus, NamesRoundTrip) {
    for (RequestStatus status : {RequestStatus::pending, RequestStatus::approved,
                                 RequestStatus::rejected, RequestStatus::cancelled}) {
        EXPECT_EQ(parse_request_status(to_string(status)), status);
    }
    EXPECT_FALSE(parse_request_status("Pending").has_value());
    EXPECT_FALSE(parse_request_status("").has_value());
}

}  // namespace
}  // namespace kronos::leave::domain
