#include "store/claims.hpp"

#include <boost/json/array.hpp>

#include "domain/claim_status.hpp"
#include "http/claim_access.hpp"
#include "http/claim_json.hpp"
#include "http/common.hpp"
#include "http/handlers.hpp"
#include "http/input.hpp"
#include "kronos/core/errors.hpp"
#include "kronos/core/json.hpp"

namespace kronos::expense::http {

namespace {

struct ClaimWithItems {
    store::ClaimRow claim;
    std::vector<store::ItemRow> items;
};

core::Response claim_response(unsigned status, const ClaimWithItems& result) {
    return core::Response::json(status, claim_json(result.claim, result.items))
        .with_header("ETag", etag_of(result.claim.version));
}

std::string list_scope(const core::Request& request) {
    const std::string scope = request.query_param("scope").value_or("mine");
    if (scope != "mine" && scope != "team" && scope != "all") {
        throw core::ApiError::invalid("Query parameter 'scope' must be mine, team or all.")
            .with_field("scope", "must be mine, team or all");
    }
    if (scope == "all" && !request.user().is_hr_or_admin()) {
        throw core::ApiError::forbidden("Only hr and admin may list all claims.");
    }
    return scope;
}

std::optional<std::string> status_filter(const core::Request& request) {
    auto status = request.query_param("status");
    if (status && !domain::parse_claim_status(*status)) {
        throw core::ApiError::invalid(
            "Query parameter 'status' must be draft, submitted, approved, rejected or "
            "reimbursed.")
            .with_field("status", "must be draft, submitted, approved, rejected or reimbursed");
    }
    return status;
}

}  // namespace

core::Response create_claim(Context& context, core::Request& request) {
    const auto& caller = request.user();
    const std::string title = parse_title(core::parse_json_body(request));

    auto result = context.db.transact("create_claim", [&](pqxx::work& tx) {
        const std::string id =
            store::insert_claim(tx, caller.id, caller.name, title, context.base_currency);
        return ClaimWithItems{*store::find_claim(tx, id), {}};
    });
    return claim_response(201, result)
        .with_header("Location", "/api/v1/expense/claims/" + result.claim.id);
}

core::Response list_claims(Context& context, core::Request& request) {
    store::ClaimListQuery query;
    query.scope = list_scope(request);
    query.caller_id = request.user().id;
    query.status = status_filter(request);
    query.limit = core::list_limit(request);
    if (auto cursor_text = request.query_param("cursor")) {
        const auto cursor = decode_claim_cursor(*cursor_text);
        query.after_created_key = cursor.created_key;
        query.after_id = cursor.id;
    }

    auto claims = context.db.transact(
        "list_claims", [&](pqxx::work& tx) { return store::list_claims(tx, query); });

    boost::json::value next_cursor = nullptr;
    if (claims.size() > query.limit) {
        claims.resize(query.limit);
        next_cursor =
            boost::json::string(encode_claim_cursor({claims.back().created_key, claims.back().id}));
    }
    boost::json::array items;
    for (const auto& claim : claims) {
        items.push_back(claim_json(claim, std::nullopt));
    }
    return core::Response::json(
        200, boost::json::object{{"items", std::move(items)}, {"next_cursor", next_cursor}});
}

core::Response get_claim(Context& context, core::Request& request) {
    const auto& caller = request.user();
    const std::string id = path_uuid(request, "id");

    auto result = context.db.transact("get_claim", [&](pqxx::work& tx) {
        auto claim = load_visible_claim(tx, caller, id, false);
        return ClaimWithItems{claim, store::list_items(tx, id)};
    });
    return claim_response(200, result);
}

core::Response update_claim(Context& context, core::Request& request) {
    const auto& caller = request.user();
    const std::string id = path_uuid(request, "id");
    const std::string title = parse_title(core::parse_json_body(request));

    auto result = context.db.transact("rename_claim", [&](pqxx::work& tx) {
        auto claim = load_visible_claim(tx, caller, id, true);
        require_owner(caller, claim);
        check_if_match(request, claim.version);
        require_draft(claim);
        store::update_claim_title(tx, id, title);
        return ClaimWithItems{*store::find_claim(tx, id), store::list_items(tx, id)};
    });
    return claim_response(200, result);
}

}  // namespace kronos::expense::http
