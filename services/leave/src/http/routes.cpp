#include "http/routes.hpp"

#include <cstddef>

#include "http/handlers.hpp"

namespace kronos::leave::http {

namespace {

// The example calendar of two years of holidays in England and Wales is 3.5 KB, so 2 MiB
// leaves room for large exports while bounding the memory one import can take.
constexpr std::size_t kMaxCalendarBody = 2 * 1024 * 1024;

}  // namespace

void bind_routes(core::Service& service) {
    core::Router& router = service.router();
    core::Database& db = service.db();
    const std::string prefix = service.prefix();

    const auto bind = [&](const char* method, const char* path,
                          core::Response (*handler)(core::Database&, core::Request&),
                          core::RouteOptions options = {}) {
        router.add(
            method, prefix + path,
            [&db, handler](core::Request& request) { return handler(db, request); }, options);
    };

    bind("GET", "/types", list_leave_types);
    bind("POST", "/types", create_leave_type);
    bind("PATCH", "/types/{code}", update_leave_type);

    bind("GET", "/holidays", list_holidays);
    bind("POST", "/holidays", create_holiday);
    bind("POST", "/holidays/import", import_holidays, {.max_body = kMaxCalendarBody});
    bind("DELETE", "/holidays/{date}", delete_holiday);

    bind("GET", "/balances", list_balances);

    bind("POST", "/requests/preview", preview_request);
    bind("POST", "/requests", create_request);
    bind("GET", "/requests", list_requests);
    bind("GET", "/requests/{id}", get_request);
    bind("POST", "/requests/{id}/approve", approve_request);
    bind("POST", "/requests/{id}/reject", reject_request);
    bind("POST", "/requests/{id}/cancel", cancel_request);

    bind("GET", "/calendar", read_calendar);

    bind("POST", "/adjustments", create_adjustment);
}

}  // namespace kronos::leave::http
