#include <algorithm>
#include <cctype>

#include "http/access.hpp"
#include "http/bodies.hpp"
#include "http/handlers.hpp"
#include "http/views.hpp"
#include "kronos/core/directory.hpp"
#include "kronos/core/errors.hpp"
#include "kronos/core/json.hpp"
#include "store/ledger.hpp"

namespace kronos::leave::http {

namespace {

// Allows the caller's own balances, anyone's for HR and admins, and a manager's reports'.
// Others get 404, as for anything they may not see; HR and admins get 404 for a user missing from
// the directory.
void check_balance_access(Database& db, const core::Principal& caller, const std::string& user_id) {
    if (user_id == caller.id) {
        return;
    }
    const bool allowed = db.transact("check_balance_access", [&](pqxx::work& tx) {
        if (caller.is_hr_or_admin()) {
            if (!core::find_directory_entry(tx, user_id)) {
                throw core::ApiError::not_found("No user with id " + user_id + ".");
            }
            return true;
        }
        return core::is_manager_of(tx, caller.id, user_id);
    });
    if (!allowed) {
        // 404, as for any resource the caller may not see: it does not reveal that the user exists.
        throw core::ApiError::not_found("No balances for user " + user_id + " are visible to you.");
    }
}

}  // namespace

Response list_balances(Database& db, Request& request) {
    const core::Principal& caller = request.user();
    const int year =
        core::query_year(request, "year").value_or(static_cast<int>(core::today_utc().year()));
    std::string user_id = caller.id;
    if (const auto requested = request.query_param("user_id")) {
        if (!core::is_uuid(*requested)) {
            throw core::ApiError::invalid("Query parameter 'user_id' must be a user id (UUID).")
                .with_field("user_id", "must be a UUID");
        }
        // Lower case, as PostgreSQL prints uuids and tokens carry them.
        user_id = *requested;
        std::transform(user_id.begin(), user_id.end(), user_id.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    }

    check_balance_access(db, caller, user_id);
    return Response::json(200, json_array(store::read_balances(db, user_id, year), balance_json));
}

Response create_adjustment(Database& db, Request& request) {
    require_hr_or_admin(request, "adjust balances");
    const store::Adjustment adjustment = parse_adjustment(core::parse_json_body(request));
    return Response::json(
        201, ledger_entry_json(store::adjust_balance(db, actor_of(request), adjustment)));
}

}  // namespace kronos::leave::http
