#pragma once

// Leave requests: the `leave_request` and `leave_request_day` tables, and the transactions
// that create, decide and cancel requests together with their ledger lines and audit rows.

#include <cstddef>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "domain/day_count.hpp"
#include "domain/request_status.hpp"
#include "kronos/core/db.hpp"
#include "kronos/core/http.hpp"
#include "store/audit.hpp"
#include "store/records.hpp"

namespace kronos::leave::store {

// The body of POST /requests and POST /requests/preview, validated for form.
struct RequestInput {
    std::string type;
    domain::LeaveSpan span;
    std::optional<std::string> reason;
};

// The days a request charges to one calendar year, and the balance that year has left after it.
struct YearCharge {
    int year = 0;
    Tenths days = 0;
    Tenths available_after = 0;
};

struct RequestPlan {
    LeaveType type;
    domain::ExpandedLeave leave;
    std::vector<YearCharge> years;  // in year order
};

enum class RequestScope { mine, team, all };

struct ListCursor {
    std::string created_at_key;  // LeaveRequest::created_at_key
    std::string id;
};

struct RequestFilter {
    RequestScope scope = RequestScope::mine;
    std::optional<domain::RequestStatus> status;
    std::optional<Date> from;  // requests ending on or after
    std::optional<Date> to;    // requests starting on or before
    std::size_t limit = 50;
    std::optional<ListCursor> after;
};

struct RequestPage {
    std::vector<LeaveRequest> items;
    std::optional<ListCursor> next;
};

enum class CalendarScope { team, all };

// Checks `input` against the leave rules for `user_id` and computes the days it charges.
// It rejects an unknown type, or half days where the type allows none (422). It rejects a span
// with no working day, or a half day on a non-working day (422). It rejects an overlap with
// the user's pending or approved leave (409). It rejects more days than a year has available
// unless the type allows negative balances (422).
// With `write_allocations` it first locks the (user, type) balances and writes the missing
// allocation lines. Without it, it writes nothing and counts a missing allocation as the
// type's current allowance.
RequestPlan plan_request(pqxx::work& tx, const std::string& user_id, const RequestInput& input,
                         bool write_allocations);

// Transactions.
RequestPlan preview_request(core::Database& db, const core::Principal& caller,
                            const RequestInput& input);
LeaveRequest submit_request(core::Database& db, const core::Principal& caller, const Actor& actor,
                            const RequestInput& input);
// The request when the caller may see it (requester, their current manager, HR, admin),
// otherwise 404.
LeaveRequest read_request(core::Database& db, const core::Principal& caller, const std::string& id);
// Approves or rejects a pending request: 404 when the caller may not see it, 403 for the
// requester, 409 when the request is no longer pending.
LeaveRequest decide_request(core::Database& db, const core::Principal& caller, const Actor& actor,
                            const std::string& id, domain::RequestAction action,
                            const std::optional<std::string>& note);
LeaveRequest cancel_request(core::Database& db, const core::Principal& caller, const Actor& actor,
                            const std::string& id);
RequestPage list_requests(core::Database& db, const core::Principal& caller,
                          const RequestFilter& filter);
// Pending and approved leave per day from `from` to `to`, both inclusive. `team` is the
// caller and the caller's reports.
std::vector<CalendarDay> read_calendar(core::Database& db, const core::Principal& caller,
                                       CalendarScope scope, Date from, Date to);

}  // namespace kronos::leave::store
