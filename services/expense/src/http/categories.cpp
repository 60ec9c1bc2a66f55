#include "store/categories.hpp"

#include <boost/json/array.hpp>

#include "http/common.hpp"
#include "http/handlers.hpp"
#include "http/input.hpp"
#include "kronos/core/errors.hpp"
#include "kronos/core/json.hpp"
#include "store/audit.hpp"

namespace kronos::expense::http {

namespace {

boost::json::value limit_json(const std::optional<std::int64_t>& minor,
                              const std::string& currency) {
    if (!minor) {
        return nullptr;
    }
    return money_json(*minor, currency);
}

boost::json::object category_json(const store::CategoryRow& category) {
    return boost::json::object{
        {"code", category.code},
        {"name", category.name},
        {"max_per_item", limit_json(category.max_per_item, category.currency)},
        {"receipt_required_over", limit_json(category.receipt_required_over, category.currency)},
    };
}

void require_hr_or_admin(const core::Request& request) {
    if (!request.user().is_hr_or_admin()) {
        throw core::ApiError::forbidden("Only hr and admin may manage categories.");
    }
}

}  // namespace

core::Response list_categories(Context& context, core::Request& request) {
    request.user();
    auto categories = context.db.transact(
        "list_categories", [](pqxx::work& tx) { return store::list_categories(tx); });
    boost::json::array array;
    for (const auto& category : categories) {
        array.push_back(category_json(category));
    }
    return core::Response::json(200, array);
}

core::Response create_category(Context& context, core::Request& request) {
    require_hr_or_admin(request);
    const auto input = parse_new_category(core::parse_json_body(request), context.base_currency);
    const store::CategoryRow category{input.code, input.name, context.base_currency,
                                      input.max_per_item, input.receipt_required_over};

    context.db.transact("create_category", [&](pqxx::work& tx) {
        if (!store::insert_category(tx, category)) {
            throw core::ApiError::conflict("A category with code '" + category.code +
                                           "' exists already; change it with PATCH.");
        }
        store::insert_audit(tx, request.user().id, "category.create", "category", category.code,
                            category_json(category));
    });
    return core::Response::json(201, category_json(category));
}

core::Response update_category(Context& context, core::Request& request) {
    require_hr_or_admin(request);
    const std::string code = request.param("code");
    const auto patch = parse_category_patch(core::parse_json_body(request), context.base_currency);

    auto updated = context.db.transact("update_category", [&](pqxx::work& tx) {
        auto category = store::lock_category(tx, code);
        if (!category) {
            throw core::ApiError::not_found("No category '" + code + "'.");
        }
        const auto before = category_json(*category);

        if (patch.name) {
            category->name = *patch.name;
        }
        // A PATCH moves the category to the current base currency, so a limit set under an
        // earlier base currency must be sent again rather than carried over in the wrong unit.
        if (patch.max_per_item) {
            category->max_per_item = *patch.max_per_item;
        }
        if (patch.receipt_required_over) {
            category->receipt_required_over = *patch.receipt_required_over;
        }
        if (category->currency != context.base_currency) {
            if ((category->max_per_item && !patch.max_per_item) ||
                (category->receipt_required_over && !patch.receipt_required_over)) {
                throw core::ApiError::field(
                    category->max_per_item && !patch.max_per_item ? "max_per_item"
                                                                  : "receipt_required_over",
                    "is stored in " + category->currency + " but the base currency is " +
                        context.base_currency + "; send both limits in " + context.base_currency);
            }
            category->currency = context.base_currency;
        }

        store::update_category(tx, *category);
        store::insert_audit(tx, request.user().id, "category.update", "category", code,
                            {{"before", before}, {"after", category_json(*category)}});
        return *category;
    });
    return core::Response::json(200, category_json(updated));
}

}  // namespace kronos::expense::http
