#include "store/requests.hpp"

#include "domain/balance.hpp"
#include "kronos/core/directory.hpp"
#include "kronos/core/errors.hpp"
#include "store/columns.hpp"
#include "store/errors.hpp"
#include "store/holidays.hpp"
#include "store/leave_types.hpp"
#include "store/ledger.hpp"

namespace kronos::leave::store {

namespace {

#define REQUEST_COLUMNS                                                                    \
    " r.id::text, r.user_id::text, r.user_name, r.type, r.start_date::text,"               \
    " r.end_date::text, r.start_half, r.end_half, r.days_tenths, r.status, r.reason,"      \
    " r.approver_id::text, r.decided_by::text,"                                            \
    " to_char(r.decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), r.note," \
    " to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"         \
    " to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') "

constexpr const char* kSelectRequest =
    "SELECT" REQUEST_COLUMNS "FROM leave_request r WHERE r.id = $1::uuid";

// Locks the request so concurrent decisions and cancellations apply one after the other, and
// the second one reads the status the first one wrote.
constexpr const char* kSelectRequestForUpdate =
    "SELECT" REQUEST_COLUMNS "FROM leave_request r WHERE r.id = $1::uuid FOR UPDATE";

constexpr const char* kSelectOverlappingRequest = R"sql(
    SELECT id::text, start_date::text, end_date::text, status FROM leave_request
     WHERE user_id = $1::uuid AND status IN ('pending', 'approved')
       AND halves && int8range($2::bigint, $3::bigint)
     ORDER BY start_date
     LIMIT 1
)sql";

constexpr const char* kInsertRequest =
    "INSERT INTO leave_request AS r (user_id, user_name, type, start_date, end_date,"
    " start_half, end_half, days_tenths, halves, status, reason, approver_id, decided_at)"
    " VALUES ($1::uuid, $2, $3, $4::date, $5::date, $6, $7, $8, int8range($9::bigint, $10::bigint),"
    " $11, $12, $13::uuid, CASE WHEN $11 = 'approved' THEN now() END)"
    " RETURNING" REQUEST_COLUMNS;

// Dates and parts are passed as two arrays of equal length.
constexpr const char* kInsertRequestDays = R"sql(
    INSERT INTO leave_request_day (request_id, date, part)
    SELECT $1::uuid, day.date, day.part
      FROM unnest($2::date[], $3::text[]) AS day (date, part)
)sql";

constexpr const char* kUpdateRequestDecision =
    "UPDATE leave_request AS r SET status = $2, decided_by = $3::uuid, decided_at = now(),"
    " note = $4 WHERE r.id = $1::uuid RETURNING" REQUEST_COLUMNS;

// The decision fields keep the approval of a cancelled approved request; the audit log
// records who cancelled.
constexpr const char* kUpdateRequestCancelled =
    "UPDATE leave_request AS r SET status = 'cancelled' WHERE r.id = $1::uuid"
    " RETURNING" REQUEST_COLUMNS;

#define LIST_FILTERS                                      \
    " AND ($2::text IS NULL OR r.status = $2::text)"      \
    " AND ($3::date IS NULL OR r.end_date >= $3::date)"   \
    " AND ($4::date IS NULL OR r.start_date <= $4::date)" \
    " AND ($5::text IS NULL OR (r.created_at, r.id) <"    \
    "      ($5::timestamp AT TIME ZONE 'UTC', $6::uuid))" \
    " ORDER BY r.created_at DESC, r.id DESC LIMIT $7"

constexpr const char* kListMyRequests =
    "SELECT" REQUEST_COLUMNS "FROM leave_request r WHERE r.user_id = $1::uuid" LIST_FILTERS;

constexpr const char* kListTeamRequests =
    "SELECT" REQUEST_COLUMNS
    "FROM leave_request r WHERE r.user_id IN"
    " (SELECT user_id FROM directory WHERE manager_id = $1::uuid)" LIST_FILTERS;

// $1 is unused but typed, so the three list queries share one parameter list.
constexpr const char* kListAllRequests =
    "SELECT" REQUEST_COLUMNS "FROM leave_request r WHERE $1::uuid IS NOT NULL" LIST_FILTERS;

#undef LIST_FILTERS
#undef REQUEST_COLUMNS

constexpr const char* kSelectTeamCalendar = R"sql(
    SELECT r.user_id::text, r.user_name, d.date::text, d.part, r.type, r.status
      FROM leave_request_day d
      JOIN leave_request r ON r.id = d.request_id
     WHERE r.status IN ('pending', 'approved')
       AND d.date BETWEEN $2::date AND $3::date
       AND (r.user_id = $1::uuid
            OR r.user_id IN (SELECT user_id FROM directory WHERE manager_id = $1::uuid))
     ORDER BY d.date, r.user_name, r.user_id
)sql";

constexpr const char* kSelectAllCalendar = R"sql(
    SELECT r.user_id::text, r.user_name, d.date::text, d.part, r.type, r.status
      FROM leave_request_day d
      JOIN leave_request r ON r.id = d.request_id
     WHERE r.status IN ('pending', 'approved')
       AND d.date BETWEEN $1::date AND $2::date
     ORDER BY d.date, r.user_name, r.user_id
)sql";

LeaveRequest request_from_row(const pqxx::row& row) {
    LeaveRequest request;
    request.id = row[0].as<std::string>();
    request.user_id = row[1].as<std::string>();
    request.user_name = row[2].as<std::string>();
    request.type = row[3].as<std::string>();
    request.start_date = date_column(row[4]);
    request.end_date = date_column(row[5]);
    request.start_half = row[6].as<std::string>();
    request.end_half = row[7].as<std::string>();
    request.days = row[8].as<Tenths>();
    request.status = row[9].as<std::string>();
    request.reason = optional_text(row[10]);
    request.approver_id = optional_text(row[11]);
    request.decided_by = optional_text(row[12]);
    request.decided_at = optional_text(row[13]);
    request.note = optional_text(row[14]);
    request.created_at = row[15].as<std::string>();
    request.created_at_key = row[16].as<std::string>();
    return request;
}

std::optional<LeaveRequest> first_request(const pqxx::result& result) {
    if (result.empty()) {
        return std::nullopt;
    }
    return request_from_row(result[0]);
}

std::string_view day_part_text(domain::DayPart part) {
    switch (part) {
        case domain::DayPart::am:
            return "am";
        case domain::DayPart::pm:
            return "pm";
        case domain::DayPart::full:
            break;
    }
    return "full";
}

domain::DayPart parse_day_part(const std::string& text) {
    if (text == "am") {
        return domain::DayPart::am;
    }
    if (text == "pm") {
        return domain::DayPart::pm;
    }
    return domain::DayPart::full;
}

// Builds a PostgreSQL array literal of values that need no quoting, because this file formats
// them itself (dates and day parts). The array is still sent as a parameter.
template <typename Format>
std::string array_literal(const std::vector<domain::LeaveDay>& days, Format format) {
    std::string text = "{";
    for (std::size_t i = 0; i < days.size(); ++i) {
        if (i > 0) {
            text += ',';
        }
        text += format(days[i]);
    }
    text += '}';
    return text;
}

void reject_overlap(pqxx::work& tx, const std::string& user_id, domain::HalfDayRange halves) {
    const pqxx::result overlap =
        tx.exec_params(kSelectOverlappingRequest, user_id, halves.begin, halves.end);
    if (overlap.empty()) {
        return;
    }
    const auto& row = overlap[0];
    throw core::ApiError::conflict("The request overlaps your " + row[3].as<std::string>() +
                                   " leave request " + row[0].as<std::string>() + " from " +
                                   row[1].as<std::string>() + " to " + row[2].as<std::string>() +
                                   "; cancel that request or choose other dates.");
}

std::optional<LeaveRequest> insert_request(pqxx::work& tx, const core::Principal& caller,
                                           const RequestInput& input, const RequestPlan& plan,
                                           domain::RequestStatus status,
                                           const std::optional<std::string>& approver_id) {
    try {
        return first_request(tx.exec_params(
            kInsertRequest, caller.id, caller.name, plan.type.code,
            core::format_date(input.span.start_date), core::format_date(input.span.end_date),
            std::string(domain::to_string(input.span.start_half)),
            std::string(domain::to_string(input.span.end_half)), plan.leave.total,
            plan.leave.occupied.begin, plan.leave.occupied.end,
            std::string(domain::to_string(status)), input.reason, approver_id));
    } catch (const pqxx::sql_error& error) {
        // A concurrent request for the same half days committed after the overlap check; the
        // exclusion constraint leave_request_no_overlap caught it.
        if (core::is_exclusion_violation(error)) {
            throw core::ApiError::conflict("The request overlaps your pending or approved leave.")
                .with_log_detail(error.what());
        }
        throw;
    }
}

void insert_request_days(pqxx::work& tx, const std::string& request_id,
                         const std::vector<domain::LeaveDay>& days) {
    const std::string dates = array_literal(
        days, [](const domain::LeaveDay& day) { return core::format_date(day.date); });
    const std::string parts = array_literal(
        days, [](const domain::LeaveDay& day) { return std::string(day_part_text(day.part)); });
    tx.exec_params0(kInsertRequestDays, request_id, dates, parts);
}

struct RequestAccess {
    LeaveRequest request;
    domain::Actor actor;
};

// Loads and locks a request and the caller's relation to it; 404 when the caller may not see
// it, so a request's existence does not leak to outsiders.
RequestAccess lock_visible_request(pqxx::work& tx, const core::Principal& caller,
                                   const std::string& id) {
    const auto request = first_request(tx.exec_params(kSelectRequestForUpdate, id));
    if (!request) {
        throw core::ApiError::not_found("No leave request with id " + id + ".");
    }
    domain::Actor actor;
    actor.is_requester = request->user_id == caller.id;
    actor.is_hr_or_admin = caller.is_hr_or_admin();
    actor.is_requesters_manager = core::is_manager_of(tx, caller.id, request->user_id);
    if (!actor.is_requester && !actor.is_hr_or_admin && !actor.is_requesters_manager) {
        throw core::ApiError::not_found("No leave request with id " + id + ".");
    }
    return {*request, actor};
}

domain::RequestStatus status_of(const LeaveRequest& request) {
    const auto status = domain::parse_request_status(request.status);
    if (!status) {
        throw core::ApiError::internal("leave request " + request.id + " has unknown status '" +
                                       request.status + "'");
    }
    return *status;
}

boost::json::object audit_details(const LeaveRequest& before, const LeaveRequest& after) {
    boost::json::object details{{"user_id", after.user_id},
                                {"type", after.type},
                                {"start_date", core::format_date(after.start_date)},
                                {"end_date", core::format_date(after.end_date)},
                                {"days_tenths", after.days},
                                {"from_status", before.status},
                                {"to_status", after.status}};
    if (after.note) {
        details["note"] = *after.note;
    }
    return details;
}

}  // namespace

RequestPlan plan_request(pqxx::work& tx, const std::string& user_id, const RequestInput& input,
                         bool write_allocations) {
    RequestPlan plan;
    const auto type = select_leave_type(tx, input.type);
    if (!type) {
        throw core::ApiError::field("type", "unknown leave type '" + input.type + "'");
    }
    plan.type = *type;
    if (auto error = domain::check_half_days_allowed(input.span, type->allow_half_day)) {
        throw to_api_error(*error);
    }

    const domain::HolidaySet holidays =
        select_holiday_dates(tx, input.span.start_date, input.span.end_date);
    plan.leave = value_or_throw(domain::expand_leave(input.span, holidays));

    reject_overlap(tx, user_id, plan.leave.occupied);

    if (write_allocations) {
        lock_balance(tx, user_id, type->code);
    }
    for (const domain::YearDays& year : domain::days_per_year(plan.leave.days)) {
        domain::Balance balance;
        if (write_allocations) {
            ensure_allocation(tx, user_id, type->code, year.year);
            balance = select_balance(tx, user_id, type->code, year.year);
        } else {
            balance = select_balance(tx, user_id, type->code, year.year);
            if (!allocation_exists(tx, user_id, type->code, year.year)) {
                balance.entitled += type->allowance;
            }
        }
        if (auto error =
                domain::check_balance(balance, year.days, year.year, type->allow_negative)) {
            throw to_api_error(*error);
        }
        plan.years.push_back({year.year, year.days, domain::available(balance) - year.days});
    }
    return plan;
}

RequestPlan preview_request(core::Database& db, const core::Principal& caller,
                            const RequestInput& input) {
    return db.transact("preview_leave_request",
                       [&](pqxx::work& tx) { return plan_request(tx, caller.id, input, false); });
}

LeaveRequest submit_request(core::Database& db, const core::Principal& caller, const Actor& actor,
                            const RequestInput& input) {
    return db.transact("submit_leave_request", [&](pqxx::work& tx) {
        const RequestPlan plan = plan_request(tx, caller.id, input, true);
        const domain::RequestStatus status = domain::initial_status(plan.type.requires_approval);
        const auto directory_entry = core::find_directory_entry(tx, caller.id);
        const std::optional<std::string> approver_id =
            directory_entry ? directory_entry->manager_id : std::nullopt;

        const auto request = insert_request(tx, caller, input, plan, status, approver_id);
        if (!request) {
            throw core::ApiError::internal("INSERT INTO leave_request returned no row");
        }
        insert_request_days(tx, request->id, plan.leave.days);
        std::vector<domain::YearDays> years;
        for (const YearCharge& charge : plan.years) {
            years.push_back({charge.year, charge.days});
        }
        insert_request_entries(tx, caller.id, plan.type.code, request->id, actor.user_id, years);
        if (status == domain::RequestStatus::approved) {
            insert_audit_event(tx, actor,
                               {"leave_request.approve_on_creation", "leave_request", request->id,
                                audit_details(*request, *request)});
        }
        return *request;
    });
}

LeaveRequest read_request(core::Database& db, const core::Principal& caller,
                          const std::string& id) {
    return db.transact("read_leave_request", [&](pqxx::work& tx) {
        const auto request = first_request(tx.exec_params(kSelectRequest, id));
        if (!request) {
            throw core::ApiError::not_found("No leave request with id " + id + ".");
        }
        const bool visible = request->user_id == caller.id || caller.is_hr_or_admin() ||
                             core::is_manager_of(tx, caller.id, request->user_id);
        if (!visible) {
            throw core::ApiError::not_found("No leave request with id " + id + ".");
        }
        return *request;
    });
}

LeaveRequest decide_request(core::Database& db, const core::Principal& caller, const Actor& actor,
                            const std::string& id, domain::RequestAction action,
                            const std::optional<std::string>& note) {
    const bool approve = action == domain::RequestAction::approve;
    return db.transact(
        approve ? "approve_leave_request" : "reject_leave_request", [&](pqxx::work& tx) {
            const RequestAccess access = lock_visible_request(tx, caller, id);
            const domain::RequestStatus next =
                value_or_throw(domain::apply_action(status_of(access.request), action, access.actor,
                                                    access.request.start_date, core::today_utc()));

            const auto updated = first_request(tx.exec_params(
                kUpdateRequestDecision, id, std::string(domain::to_string(next)), caller.id, note));
            if (!updated) {
                throw core::ApiError::internal("UPDATE of leave request " + id +
                                               " returned no row");
            }
            if (!approve) {
                insert_cancellation_entries(tx, id, "request rejected", caller.id);
            }
            insert_audit_event(tx, actor,
                               {approve ? "leave_request.approve" : "leave_request.reject",
                                "leave_request", id, audit_details(access.request, *updated)});
            return *updated;
        });
}

LeaveRequest cancel_request(core::Database& db, const core::Principal& caller, const Actor& actor,
                            const std::string& id) {
    return db.transact("cancel_leave_request", [&](pqxx::work& tx) {
        const RequestAccess access = lock_visible_request(tx, caller, id);
        value_or_throw(domain::apply_action(status_of(access.request),
                                            domain::RequestAction::cancel, access.actor,
                                            access.request.start_date, core::today_utc()));

        const auto updated = first_request(tx.exec_params(kUpdateRequestCancelled, id));
        if (!updated) {
            throw core::ApiError::internal("UPDATE of leave request " + id + " returned no row");
        }
        insert_cancellation_entries(tx, id, "request cancelled", caller.id);
        insert_audit_event(
            tx, actor,
            {"leave_request.cancel", "leave_request", id, audit_details(access.request, *updated)});
        return *updated;
    });
}

RequestPage list_requests(core::Database& db, const core::Principal& caller,
                          const RequestFilter& filter) {
    const char* sql = filter.scope == RequestScope::mine   ? kListMyRequests
                      : filter.scope == RequestScope::team ? kListTeamRequests
                                                           : kListAllRequests;
    const std::optional<std::string> status =
        filter.status ? std::optional<std::string>(domain::to_string(*filter.status))
                      : std::nullopt;
    const auto format = [](const std::optional<Date>& date) {
        return date ? std::optional<std::string>(core::format_date(*date)) : std::nullopt;
    };
    const std::optional<std::string> after_key =
        filter.after ? std::optional<std::string>(filter.after->created_at_key) : std::nullopt;
    const std::optional<std::string> after_id =
        filter.after ? std::optional<std::string>(filter.after->id) : std::nullopt;
    // One row more than the page, to tell whether another page follows.
    const auto fetch = static_cast<std::int64_t>(filter.limit) + 1;

    return db.transact("list_leave_requests", [&](pqxx::work& tx) {
        RequestPage page;
        for (const auto& row : tx.exec_params(sql, caller.id, status, format(filter.from),
                                              format(filter.to), after_key, after_id, fetch)) {
            page.items.push_back(request_from_row(row));
        }
        if (page.items.size() > filter.limit) {
            page.items.pop_back();
            page.next = ListCursor{page.items.back().created_at_key, page.items.back().id};
        }
        return page;
    });
}

std::vector<CalendarDay> read_calendar(core::Database& db, const core::Principal& caller,
                                       CalendarScope scope, Date from, Date to) {
    return db.transact("read_leave_calendar", [&](pqxx::work& tx) {
        const pqxx::result rows =
            scope == CalendarScope::team
                ? tx.exec_params(kSelectTeamCalendar, caller.id, core::format_date(from),
                                 core::format_date(to))
                : tx.exec_params(kSelectAllCalendar, core::format_date(from),
                                 core::format_date(to));
        std::vector<CalendarDay> days;
        days.reserve(rows.size());
        for (const auto& row : rows) {
            CalendarDay day;
            day.user_id = row[0].as<std::string>();
            day.user_name = row[1].as<std::string>();
            day.date = date_column(row[2]);
            day.part = parse_day_part(row[3].as<std::string>());
            day.type = row[4].as<std::string>();
            day.status = row[5].as<std::string>();
            days.push_back(std::move(day));
        }
        return days;
    });
}

}  // namespace kronos::leave::store
