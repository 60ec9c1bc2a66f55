#include "store/requests.hpp"

#include "domain/request_status.hpp"
#include "http/access.hpp"
#include "http/bodies.hpp"
#include "http/handlers.hpp"
#include "http/views.hpp"
#include "kronos/core/errors.hpp"
#include "kronos/core/json.hpp"

namespace kronos::leave::http {

namespace {

store::RequestScope parse_scope(const Request& request, const core::Principal& caller) {
    const std::string scope = request.query_param("scope").value_or("mine");
    if (scope == "mine") {
        return store::RequestScope::mine;
    }
    if (scope == "team") {
        return store::RequestScope::team;
    }
    if (scope == "all") {
        if (!caller.is_hr_or_admin()) {
            throw core::ApiError::forbidden("Only HR and admins may list every leave request.");
        }
        return store::RequestScope::all;
    }
    throw core::ApiError::invalid("Query parameter 'scope' must be mine, team or all.")
        .with_field("scope", "must be mine, team or all");
}

std::optional<domain::RequestStatus> parse_status_filter(const Request& request) {
    const auto text = request.query_param("status");
    if (!text) {
        return std::nullopt;
    }
    const auto status = domain::parse_request_status(*text);
    if (!status) {
        throw core::ApiError::invalid(
            "Query parameter 'status' must be pending, approved, rejected or cancelled.")
            .with_field("status", "must be pending, approved, rejected or cancelled");
    }
    return status;
}

std::optional<store::ListCursor> parse_cursor(const Request& request) {
    const auto text = request.query_param("cursor");
    if (!text) {
        return std::nullopt;
    }
    auto cursor = decode_cursor(*text);
    if (!cursor) {
        throw core::ApiError::invalid(
            "Query parameter 'cursor' is not a cursor from a previous page; "
            "omit it to start from the first page.")
            .with_field("cursor", "is not a cursor from a previous page");
    }
    return cursor;
}

Response decide(Database& db, Request& request, domain::RequestAction action) {
    const std::string id = path_uuid(request, "id");
    const bool approve = action == domain::RequestAction::approve;
    const std::optional<std::string> note =
        parse_decision_note(optional_json_body(request), !approve);
    return Response::json(200, request_json(store::decide_request(
                                   db, request.user(), actor_of(request), id, action, note)));
}

}  // namespace

Response preview_request(Database& db, Request& request) {
    const store::RequestInput input = parse_request_input(core::parse_json_body(request));
    return Response::json(200, preview_json(store::preview_request(db, request.user(), input)));
}

Response create_request(Database& db, Request& request) {
    const store::RequestInput input = parse_request_input(core::parse_json_body(request));
    return Response::json(
        201, request_json(store::submit_request(db, request.user(), actor_of(request), input)));
}

Response list_requests(Database& db, Request& request) {
    const core::Principal& caller = request.user();
    store::RequestFilter filter;
    filter.scope = parse_scope(request, caller);
    filter.status = parse_status_filter(request);
    filter.from = core::query_date(request, "from");
    filter.to = core::query_date(request, "to");
    filter.limit = core::list_limit(request);
    filter.after = parse_cursor(request);

    const store::RequestPage page = store::list_requests(db, caller, filter);
    boost::json::value next_cursor = nullptr;
    if (page.next) {
        next_cursor = boost::json::string(encode_cursor(*page.next));
    }
    return Response::json(200, boost::json::object{{"items", json_array(page.items, request_json)},
                                                   {"next_cursor", std::move(next_cursor)}});
}

Response get_request(Database& db, Request& request) {
    const std::string id = path_uuid(request, "id");
    return Response::json(200, request_json(store::read_request(db, request.user(), id)));
}

Response approve_request(Database& db, Request& request) {
    return decide(db, request, domain::RequestAction::approve);
}

Response reject_request(Database& db, Request& request) {
    return decide(db, request, domain::RequestAction::reject);
}

Response cancel_request(Database& db, Request& request) {
    const std::string id = path_uuid(request, "id");
    return Response::json(
        200, request_json(store::cancel_request(db, request.user(), actor_of(request), id)));
}

}  // namespace kronos::leave::http
