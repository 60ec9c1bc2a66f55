#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "domain/claim_policy.hpp"
#include "http/claim_access.hpp"
#include "http/claim_json.hpp"
#include "http/common.hpp"
#include "http/handlers.hpp"
#include "http/input.hpp"
#include "http/receipt_content.hpp"
#include "kronos/core/errors.hpp"
#include "kronos/core/json.hpp"
#include "kronos/core/token.hpp"
#include "store/categories.hpp"
#include "store/claims.hpp"
#include "store/rates.hpp"

namespace kronos::expense::http {

namespace {

// The rate of `currency` to the base currency in force on `date`; 1 for the base currency.
domain::Rate rate_for(pqxx::work& tx, const Context& context, const std::string& currency,
                      const std::string& date) {
    if (currency == context.base_currency) {
        return domain::Rate{1, 0};
    }
    auto row = store::rate_in_force(tx, context.base_currency, currency, date);
    if (!row) {
        throw core::ApiError::field("amount.currency",
                                    "no exchange rate for " + currency + " on " + date +
                                        "; HR can add one with PUT /rates/{date}");
    }
    auto rate = domain::parse_rate(row->rate);
    if (!rate) {
        throw core::ApiError::internal("stored rate '" + row->rate + "' of " + currency +
                                       " does not parse: " + rate.error().message);
    }
    return rate.value();
}

// Policy violations are recorded with the item, so approvers see the rule as it was when the
// item was added.
boost::json::array policy_violations(const store::CategoryRow& category,
                                     const domain::Money& amount_base) {
    boost::json::array violations;
    // NOTE: a limit set under an earlier base currency is not compared. Readiness reports such
    // categories until HR sets their limits again.
    if (category.currency != amount_base.currency) {
        return violations;
    }
    const domain::CategoryPolicy policy{category.max_per_item, category.receipt_required_over};
    for (const auto& violation : domain::policy_violations(amount_base, policy)) {
        boost::json::object json{{"code", violation.code}, {"message", violation.message}};
        if (violation.code == "over_max_per_item" && category.max_per_item) {
            json["max_per_item"] = money_json(*category.max_per_item, category.currency);
        }
        violations.push_back(std::move(json));
    }
    return violations;
}

struct ItemResult {
    store::ItemRow item;
    int version = 0;
};

}  // namespace

core::Response add_item(Context& context, core::Request& request) {
    const auto& caller = request.user();
    const std::string claim_id = path_uuid(request, "id");
    const auto input = parse_item_input(core::parse_json_body(request), core::today_utc());
    const std::string date = core::format_date(input.date);

    auto result = context.db.transact("add_claim_item", [&](pqxx::work& tx) {
        auto claim = load_visible_claim(tx, caller, claim_id, true);
        require_owner(caller, claim);
        check_if_match(request, claim.version);
        require_draft(claim);

        auto category = store::find_category(tx, input.category);
        if (!category) {
            throw core::ApiError::field("category", "unknown category '" + input.category +
                                                        "'; GET /categories lists them");
        }
        const domain::Rate rate = rate_for(tx, context, input.amount.currency, date);
        auto converted = domain::convert(input.amount, rate, context.base_currency);
        if (!converted) {
            throw to_api_error(converted.error());
        }

        store::NewItem item;
        item.date = date;
        item.category = input.category;
        item.amount = input.amount.minor;
        item.currency = input.amount.currency;
        item.rate = domain::format_rate(rate);
        item.amount_base = converted.value().minor;
        item.base_currency = context.base_currency;
        item.merchant = input.merchant;
        item.description = input.description;
        item.policy_violations =
            boost::json::serialize(policy_violations(*category, converted.value()));

        auto inserted = store::insert_item(tx, claim_id, item);
        store::increment_claim_version(tx, claim_id);
        return ItemResult{inserted, claim.version + 1};
    });

    return core::Response::json(201, item_json(result.item))
        .with_header("ETag", etag_of(result.version))
        .with_header("Location", "/api/v1/expense/claims/" + claim_id + "/items/" + result.item.id);
}

core::Response delete_item(Context& context, core::Request& request) {
    const auto& caller = request.user();
    const std::string claim_id = path_uuid(request, "id");
    const std::string item_id = path_uuid(request, "item_id");

    const int version = context.db.transact("delete_claim_item", [&](pqxx::work& tx) {
        auto claim = load_visible_claim(tx, caller, claim_id, true);
        require_owner(caller, claim);
        check_if_match(request, claim.version);
        require_draft(claim);
        if (!store::delete_item(tx, claim_id, item_id)) {
            throw core::ApiError::not_found("The claim has no item " + item_id + ".");
        }
        store::increment_claim_version(tx, claim_id);
        return claim.version + 1;
    });
    return core::Response::no_content().with_header("ETag", etag_of(version));
}

core::Response put_receipt(Context& context, core::Request& request) {
    const auto& caller = request.user();
    const std::string claim_id = path_uuid(request, "id");
    const std::string item_id = path_uuid(request, "item_id");

    // The declared type must be a receipt type and agree with the content, so a file is never
    // served later under a type that its bytes do not have.
    const std::string declared = request.content_type();
    if (!is_receipt_type(declared)) {
        throw core::ApiError(core::ErrorKind::unsupported_media_type,
                             "A receipt must be sent as image/png, image/jpeg or application/pdf, "
                             "not '" +
                                 declared + "'.");
    }
    const auto actual = sniff_receipt_type(request.body);
    if (!actual || *actual != declared) {
        throw core::ApiError(core::ErrorKind::unsupported_media_type,
                             "The body does not match Content-Type " + declared +
                                 (actual ? " (its content is " + std::string(*actual) + ")" : "") +
                                 "; send a PNG, JPEG or PDF with its own Content-Type.");
    }
    const std::string sha256 = core::sha256_hex(request.body);

    const int version = context.db.transact("attach_receipt", [&](pqxx::work& tx) {
        auto claim = load_visible_claim(tx, caller, claim_id, true);
        require_owner(caller, claim);
        check_if_match(request, claim.version);
        require_draft(claim);
        if (!store::find_item(tx, claim_id, item_id)) {
            throw core::ApiError::not_found("The claim has no item " + item_id + ".");
        }
        store::upsert_receipt(tx, item_id, declared, sha256, request.body);
        store::increment_claim_version(tx, claim_id);
        return claim.version + 1;
    });
    return core::Response::no_content().with_header("ETag", etag_of(version));
}

core::Response get_receipt(Context& context, core::Request& request) {
    const auto& caller = request.user();
    const std::string claim_id = path_uuid(request, "id");
    const std::string item_id = path_uuid(request, "item_id");

    auto receipt = context.db.transact("read_receipt", [&](pqxx::work& tx) {
        load_visible_claim(tx, caller, claim_id, false);
        auto found = store::find_receipt(tx, claim_id, item_id);
        if (!found) {
            throw core::ApiError::not_found("Item " + item_id + " has no receipt.");
        }
        return *found;
    });

    const std::string extension = receipt.media_type == "application/pdf" ? "pdf"
                                  : receipt.media_type == "image/png"     ? "png"
                                                                          : "jpg";
    // Built in steps so the receipt bytes are moved, never copied.
    auto response = core::Response::raw(200, receipt.media_type, std::move(receipt.content));
    response.with_header("Content-Disposition",
                         "attachment; filename=\"receipt-" + item_id + "." + extension + "\"");
    response.with_header("ETag", "\"" + receipt.sha256 + "\"");
    response.with_header("X-Content-Type-Options", "nosniff");
    response.with_header("Cache-Control", "private, no-store");
    return response;
}

}  // namespace kronos::expense::http
