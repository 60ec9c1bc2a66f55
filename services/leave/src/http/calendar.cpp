#include <chrono>

#include "http/handlers.hpp"
#include "http/views.hpp"
#include "kronos/core/errors.hpp"
#include "kronos/core/json.hpp"
#include "store/requests.hpp"

namespace kronos::leave::http {

namespace {

// Maximum range of one calendar read, in days, so the response stays bounded. A team may read
// a year at once and the whole company a month.
constexpr int kMaxTeamCalendarDays = 366;
constexpr int kMaxCompanyCalendarDays = 31;

core::Date required_date(const Request& request, std::string_view name) {
    const auto date = core::query_date(request, name);
    if (!date) {
        throw core::ApiError::invalid("Query parameter '" + std::string(name) +
                                      "' is required, as YYYY-MM-DD.")
            .with_field(std::string(name), "is required");
    }
    return *date;
}

}  // namespace

Response read_calendar(Database& db, Request& request) {
    const core::Principal& caller = request.user();
    const std::string scope_text = request.query_param("scope").value_or("team");
    store::CalendarScope scope = store::CalendarScope::team;
    if (scope_text == "all") {
        if (!caller.is_hr_or_admin()) {
            throw core::ApiError::forbidden("Only HR and admins may see everyone's leave.");
        }
        scope = store::CalendarScope::all;
    } else if (scope_text != "team") {
        throw core::ApiError::invalid("Query parameter 'scope' must be team or all.")
            .with_field("scope", "must be team or all");
    }

    const core::Date from = required_date(request, "from");
    const core::Date to = required_date(request, "to");
    const auto span = (std::chrono::sys_days{to} - std::chrono::sys_days{from}).count() + 1;
    const int max_span =
        scope == store::CalendarScope::all ? kMaxCompanyCalendarDays : kMaxTeamCalendarDays;
    if (span < 1) {
        throw core::ApiError::invalid("Query parameter 'to' must not be before 'from'.")
            .with_field("to", "must not be before from");
    }
    if (span > max_span) {
        throw core::ApiError::invalid("The range from 'from' to 'to' may cover at most " +
                                      std::to_string(max_span) + " days for scope " + scope_text +
                                      ".")
            .with_field("to", "is too far after from");
    }

    return Response::json(
        200, json_array(store::read_calendar(db, caller, scope, from, to), calendar_day_json));
}

}  // namespace kronos::leave::http
