#include <boost/json/array.hpp>
#include <map>

#include "domain/claim_policy.hpp"
#include "domain/claim_status.hpp"
#include "domain/money.hpp"
#include "http/claim_access.hpp"
#include "http/claim_json.hpp"
#include "http/common.hpp"
#include "http/handlers.hpp"
#include "http/input.hpp"
#include "kronos/core/directory.hpp"
#include "kronos/core/errors.hpp"
#include "store/audit.hpp"
#include "store/categories.hpp"
#include "store/claims.hpp"

namespace kronos::expense::http {

namespace {

// 409 unless `action` is allowed from the claim's status; returns the status after it.
std::string next_status(const store::ClaimRow& claim, domain::ClaimAction action) {
    auto current = domain::parse_claim_status(claim.status);
    if (!current) {
        throw core::ApiError::internal("claim " + claim.id + " has unknown status '" +
                                       claim.status + "'");
    }
    auto next = domain::next_claim_status(*current, action);
    if (!next) {
        throw to_api_error(next.error()).with_type("wrong-state");
    }
    return std::string(domain::to_string(next.value()));
}

// 422 when the claim has no item, or naming every item that lacks a required receipt.
void check_ready_to_submit(pqxx::work& tx, const std::vector<store::ItemRow>& items) {
    std::map<std::string, store::CategoryRow> categories;
    for (auto& category : store::list_categories(tx)) {
        categories.emplace(category.code, std::move(category));
    }

    std::vector<domain::SubmitItem> submit_items;
    for (const auto& item : items) {
        const auto& category = categories.at(item.category);
        const domain::CategoryPolicy policy{category.max_per_item, category.receipt_required_over};
        // NOTE: a threshold set under an earlier base currency is not compared. Readiness
        // reports such categories until HR sets their limits again.
        const bool required =
            category.currency == item.base_currency &&
            domain::receipt_required({item.amount_base, item.base_currency}, policy);
        submit_items.push_back({item.id, required, item.has_receipt});
    }

    auto error = domain::check_submittable(submit_items);
    if (!error) {
        return;
    }
    if (items.empty()) {
        throw to_api_error(*error);
    }

    // check_submittable stops at the first item without its receipt; the client gets them all.
    core::ApiError missing(core::ErrorKind::rule_violated,
                           "Some items need a receipt before the claim can be submitted.");
    boost::json::array missing_ids;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!submit_items[i].receipt_required || submit_items[i].has_receipt) {
            continue;
        }
        const auto& item = items[i];
        const auto& category = categories.at(item.category);
        const domain::Money threshold{*category.receipt_required_over, category.currency};
        missing.with_field("items." + item.id + ".receipt",
                           "item " + item.id + " (" + item.category + ", " + item.date +
                               ") needs a receipt: " + item.category + " requires one over " +
                               domain::format_amount(threshold) + " " + threshold.currency);
        missing_ids.push_back(boost::json::string(item.id));
    }
    missing.with_type("receipt-required").with_extra("item_ids", std::move(missing_ids));
    throw missing;
}

struct ClaimWithItems {
    store::ClaimRow claim;
    std::vector<store::ItemRow> items;
};

core::Response claim_response(const ClaimWithItems& result) {
    return core::Response::json(200, claim_json(result.claim, result.items))
        .with_header("ETag", etag_of(result.claim.version));
}

ClaimWithItems reload(pqxx::work& tx, const std::string& id) {
    return ClaimWithItems{*store::find_claim(tx, id), store::list_items(tx, id)};
}

// Approve, reject and return share their checks and differ in the note and the new status.
core::Response decide(Context& context, core::Request& request, domain::ClaimAction action,
                      bool note_required) {
    const auto& caller = request.user();
    const std::string id = path_uuid(request, "id");
    const auto note = parse_note(optional_json_body(request), note_required);
    const std::string verb(domain::to_string(action));

    auto result = context.db.transact(verb + "_claim", [&](pqxx::work& tx) {
        auto claim = load_visible_claim(tx, caller, id, true);
        require_approver(tx, caller, claim);
        check_if_match(request, claim.version);
        const std::string status = next_status(claim, action);

        store::mark_claim_decided(tx, id, status, caller.id, note);
        boost::json::object details{{"from", claim.status}, {"to", status}};
        if (note) {
            details["note"] = *note;
        }
        store::insert_audit(tx, caller.id, "claim." + verb, "claim", id, details);
        return reload(tx, id);
    });
    return claim_response(result);
}

}  // namespace

core::Response submit_claim(Context& context, core::Request& request) {
    const auto& caller = request.user();
    const std::string id = path_uuid(request, "id");

    auto result = context.db.transact("submit_claim", [&](pqxx::work& tx) {
        auto claim = load_visible_claim(tx, caller, id, true);
        require_owner(caller, claim);
        check_if_match(request, claim.version);
        const std::string status = next_status(claim, domain::ClaimAction::submit);
        check_ready_to_submit(tx, store::list_items(tx, id));

        // approver_id records the manager at submission. The decision is open to the manager
        // at decision time, as require_approver checks.
        std::optional<std::string> approver_id;
        if (auto entry = core::find_directory_entry(tx, claim.user_id)) {
            approver_id = entry->manager_id;
        }
        store::mark_claim_submitted(tx, id, approver_id);

        boost::json::object details{{"from", claim.status}, {"to", status}};
        details["approver_id"] = approver_id ? boost::json::value(*approver_id) : nullptr;
        store::insert_audit(tx, caller.id, "claim.submit", "claim", id, details);
        return reload(tx, id);
    });
    return claim_response(result);
}

core::Response approve_claim(Context& context, core::Request& request) {
    return decide(context, request, domain::ClaimAction::approve, false);
}

core::Response reject_claim(Context& context, core::Request& request) {
    return decide(context, request, domain::ClaimAction::reject, true);
}

core::Response return_claim(Context& context, core::Request& request) {
    return decide(context, request, domain::ClaimAction::return_for_changes, true);
}

core::Response reimburse_claim(Context& context, core::Request& request) {
    const auto& caller = request.user();
    const std::string id = path_uuid(request, "id");
    const auto reference = parse_reference(optional_json_body(request));

    auto result = context.db.transact("reimburse_claim", [&](pqxx::work& tx) {
        auto claim = load_visible_claim(tx, caller, id, true);
        if (!caller.is_hr_or_admin()) {
            throw core::ApiError::forbidden("Only hr and admin may mark a claim reimbursed.");
        }
        // Paying out is a second pair of eyes on the claim, so nobody reimburses their own.
        if (claim.user_id == caller.id) {
            throw core::ApiError::forbidden(
                "Nobody may reimburse their own claim; another hr or admin user must do it.");
        }
        check_if_match(request, claim.version);
        const std::string status = next_status(claim, domain::ClaimAction::reimburse);

        store::mark_claim_reimbursed(tx, id, reference);
        boost::json::object details{{"from", claim.status}, {"to", status}};
        details["reference"] = reference ? boost::json::value(*reference) : nullptr;
        store::insert_audit(tx, caller.id, "claim.reimburse", "claim", id, details);
        return reload(tx, id);
    });
    return claim_response(result);
}

}  // namespace kronos::expense::http
