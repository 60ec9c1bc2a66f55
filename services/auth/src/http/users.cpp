// /users: listing, creating, reading and editing users, unlocking and resetting passwords.

#include <boost/json/array.hpp>

#include "domain/email.hpp"
#include "domain/password.hpp"
#include "domain/roles.hpp"
#include "domain/text.hpp"
#include "http/handlers.hpp"
#include "kronos/core/errors.hpp"
#include "kronos/core/json.hpp"
#include "kronos/core/log.hpp"
#include "store/audit_store.hpp"

namespace kronos::auth::http {

namespace {

constexpr std::size_t kMaxNameLength = 200;
constexpr std::size_t kMaxQueryLength = 200;

core::ApiError bad_query(const std::string& name, const std::string& message) {
    return core::ApiError::invalid("Query parameter " + name + " " + message + ".")
        .with_field(name, message);
}

core::ApiError user_not_found() {
    return core::ApiError::not_found("No such user.");
}

std::string encode_cursor(const store::UserRecord& last) {
    return core::base64url_encode(last.created_at_key + "|" + last.id);
}

// Reads `?cursor=`: base64url of "<created_at with microseconds>|<id>".
void apply_cursor(const core::Request& request, store::UserFilter& filter) {
    const auto cursor = request.query_param("cursor");
    if (!cursor) {
        return;
    }
    const auto decoded = core::base64url_decode(*cursor);
    const auto bar = decoded ? decoded->find('|') : std::string::npos;
    if (bar == std::string::npos) {
        throw bad_query("cursor", "is not a cursor from a previous page");
    }
    const auto created_at = decoded->substr(0, bar);
    const auto id = decoded->substr(bar + 1);
    // The timestamp text came from this service; checking its shape keeps a forged cursor
    // from reaching PostgreSQL as a cast error.
    const bool timestamp_shape =
        created_at.size() == 26 && created_at[4] == '-' && created_at[10] == 'T' &&
        created_at[19] == '.' &&
        created_at.find_first_not_of("0123456789-T:.") == std::string::npos;
    if (!timestamp_shape || !core::is_uuid(id)) {
        throw bad_query("cursor", "is not a cursor from a previous page");
    }
    filter.after_created_at = created_at;
    filter.after_id = id;
}

store::UserFilter parse_filter(const core::Request& request) {
    store::UserFilter filter;
    filter.limit = core::list_limit(request);

    if (auto q = request.query_param("q")) {
        const auto text = std::string(trim(*q));
        if (text.size() > kMaxQueryLength) {
            throw bad_query("q", "must be at most 200 characters");
        }
        if (!text.empty()) {
            filter.q = text;
        }
    }
    if (auto role = request.query_param("role")) {
        if (!is_role(*role)) {
            throw bad_query("role", "must be one of employee, manager, hr, admin");
        }
        filter.role = *role;
    }
    if (auto manager_id = request.query_param("manager_id")) {
        if (!core::is_uuid(*manager_id)) {
            throw bad_query("manager_id", "must be a UUID");
        }
        filter.manager_id = *manager_id;
    }
    if (auto status = request.query_param("status")) {
        if (*status != kStatusActive && *status != kStatusDisabled) {
            throw bad_query("status", "must be active or disabled");
        }
        filter.status = *status;
    }
    apply_cursor(request, filter);
    return filter;
}

// Names are trimmed; Fields rejects control characters.
std::string read_name(core::Fields& fields, bool required) {
    return fields.string("name", required, {1, kMaxNameLength}).value_or("");
}

// Only an admin grants the admin role, takes it away, or changes an admin's account.
void require_admin_for(const core::Principal& caller, const std::string& message) {
    if (!caller.is_admin()) {
        throw core::ApiError::forbidden(message);
    }
}

// Looks up the user of a path id: 404 when the id is not a UUID or no such user exists.
store::UserRecord require_user(pqxx::work& tx, const std::string& id, bool lock) {
    if (!core::is_uuid(id)) {
        throw user_not_found();
    }
    auto user = lock ? store::lock_user(tx, id) : store::find_user(tx, id);
    if (!user) {
        throw user_not_found();
    }
    return std::move(*user);
}

void check_new_manager(pqxx::work& tx, const std::string& user_id, const std::string& manager_id) {
    if (manager_id == user_id) {
        throw core::ApiError::field("manager_id", "a user cannot be their own manager");
    }
    if (!store::user_exists(tx, manager_id)) {
        throw core::ApiError::field("manager_id", "no user has this id");
    }
    if (store::would_form_cycle(tx, user_id, manager_id)) {
        throw core::ApiError::field("manager_id",
                                    "the manager chain would form a cycle: this user already "
                                    "manages the proposed manager, directly or indirectly");
    }
}

}  // namespace

core::Response list_users(AuthContext& context, core::Request& request) {
    require_user_manager(request.user());
    auto filter = parse_filter(request);
    const auto page_size = filter.limit;
    filter.limit = page_size + 1;  // the extra row shows that a next page exists

    auto users = context.db().transact(
        "list_users", [&](pqxx::work& tx) { return store::list_users(tx, filter); });

    boost::json::object page;
    if (users.size() > page_size) {
        users.resize(page_size);
        page["next_cursor"] = encode_cursor(users.back());
    } else {
        page["next_cursor"] = nullptr;
    }
    boost::json::array items;
    for (const auto& user : users) {
        items.push_back(user_json(user));
    }
    page["items"] = std::move(items);
    return core::Response::json(200, page);
}

core::Response create_user(AuthContext& context, core::Request& request) {
    const auto& caller = request.user();
    require_user_manager(caller);

    const auto body = core::parse_json_body(request);
    core::Fields fields(body);
    fields.only({"email", "name", "role", "manager_id", "password"});
    const auto email =
        normalize_email(fields.string("email", true, {1, kMaxEmailLength}).value_or(""));
    if (!email.empty()) {
        if (auto problem = email_problem(email)) {
            fields.fail("email", *problem);
        }
    }
    const auto name = read_name(fields, true);
    const auto role = fields.choice("role", true, {"employee", "manager", "hr", "admin"});
    std::optional<std::string> manager_id;
    if (const auto* raw = fields.raw("manager_id"); raw != nullptr && !raw->is_null()) {
        manager_id = fields.uuid("manager_id", false);
    }
    std::optional<std::string> password;
    if (const auto* raw = fields.raw("password"); raw != nullptr && !raw->is_null()) {
        password = password_member(fields, "password");
        if (password) {
            if (auto problem = password_problem(*password, email)) {
                fields.fail("password", *problem);
            }
        }
    }
    fields.finish();

    if (*role == "admin") {
        require_admin_for(caller, "Only an admin may grant the admin role.");
    }

    const bool temporary = !password.has_value();
    const auto initial_password = temporary ? generate_temporary_password() : *password;
    const auto password_hash =
        temporary ? hash_generated_password(initial_password) : hash_password(initial_password);

    const auto user = context.db().transact("create_user", [&](pqxx::work& tx) {
        store::lock_manager_chain(tx);
        if (manager_id && !store::user_exists(tx, *manager_id)) {
            throw core::ApiError::field("manager_id", "no user has this id");
        }
        auto created =
            store::insert_user(tx, {email, name, *role, manager_id, password_hash, temporary});
        store::write_audit(tx, caller.id, "user_created", created.id,
                           {{"role", created.role}, {"temporary_password", temporary}});
        return created;
    });
    publish_user(context, user);
    core::log::info("user_created", {{"user_id", user.id}, {"by", caller.id}});

    auto json = user_json(user);
    if (temporary) {
        json["temporary_password"] = initial_password;
    }
    return core::Response::json(201, json);
}

core::Response get_user(AuthContext& context, core::Request& request) {
    const auto& caller = request.user();
    const auto& id = request.param("id");
    // Users other than hr and admin see only themselves; others do not exist for them.
    if (!caller.is_hr_or_admin() && id != caller.id) {
        throw user_not_found();
    }
    const auto user = context.db().transact(
        "find_user", [&](pqxx::work& tx) { return require_user(tx, id, false); });
    return core::Response::json(200, user_json(user));
}

core::Response update_user(AuthContext& context, core::Request& request) {
    const auto& caller = request.user();
    require_user_manager(caller);
    const auto& id = request.param("id");

    const auto body = core::parse_json_body(request);
    core::Fields fields(body);
    fields.only({"name", "role", "manager_id", "status"});
    const auto name = fields.has("name") ? std::optional(read_name(fields, true)) : std::nullopt;
    const auto role = fields.choice("role", false, {"employee", "manager", "hr", "admin"});
    const auto status = fields.choice("status", false, {"active", "disabled"});
    std::optional<std::optional<std::string>> manager_id;  // engaged: change; inner nullopt: clear
    if (const auto* raw = fields.raw("manager_id"); raw != nullptr) {
        if (raw->is_null()) {
            manager_id.emplace(std::nullopt);
        } else if (auto uuid = fields.uuid("manager_id", true)) {
            manager_id.emplace(*uuid);
        }
    }
    fields.finish();

    struct Outcome {
        store::UserRecord before;
        store::UserRecord after;
        std::vector<store::AccessTokenRef> revoked;
    };
    auto outcome = context.db().transact("update_user", [&](pqxx::work& tx) {
        if (manager_id) {
            store::lock_manager_chain(tx);
        }
        auto before = require_user(tx, id, true);

        store::UserChanges changes{before.name, before.role, before.manager_id, before.status};
        if (name) {
            changes.name = *name;
        }
        if (role) {
            changes.role = *role;
        }
        if (status) {
            changes.status = *status;
        }
        if (manager_id) {
            changes.manager_id = *manager_id;
        }

        const bool role_changed = changes.role != before.role;
        const bool status_changed = changes.status != before.status;
        if ((role_changed && (changes.role == "admin" || before.role == "admin")) ||
            (before.role == "admin" && status_changed)) {
            require_admin_for(caller,
                              "Only an admin may grant or remove the admin role or "
                              "disable an admin.");
        }
        if (before.id == caller.id && (role_changed || changes.status == kStatusDisabled)) {
            throw core::ApiError::field(role_changed ? "role" : "status",
                                        "you cannot change your own role or disable yourself");
        }
        if (changes.manager_id && changes.manager_id != before.manager_id) {
            check_new_manager(tx, before.id, *changes.manager_id);
        }

        Outcome result{before, store::update_user(tx, before.id, changes), {}};
        const auto& after = result.after;
        if (role_changed) {
            store::write_audit(tx, caller.id, "role_changed", after.id,
                               {{"from", before.role}, {"to", after.role}});
            // A token keeps the role it was issued with; one that grants rights the user no
            // longer has is revoked. The login itself stays, so a refresh gets the new role.
            if (manages_users(before.role) && !manages_users(after.role)) {
                result.revoked = store::unexpired_access_tokens(tx, after.id);
            }
        }
        if (status_changed) {
            store::write_audit(tx, caller.id,
                               after.status == kStatusDisabled ? "user_disabled" : "user_enabled",
                               after.id);
        }
        if (after.status == kStatusDisabled) {
            // Also when already disabled, so that repeating the request repeats the revocation.
            result.revoked =
                store::revoke_user_families(tx, after.id, std::nullopt, "user_disabled");
        }
        if (after.manager_id != before.manager_id) {
            boost::json::object details;
            details["from"] = before.manager_id ? boost::json::value(*before.manager_id) : nullptr;
            details["to"] = after.manager_id ? boost::json::value(*after.manager_id) : nullptr;
            store::write_audit(tx, caller.id, "manager_changed", after.id, details);
        }
        if (after.name != before.name) {
            store::write_audit(tx, caller.id, "user_renamed", after.id);
        }
        return result;
    });

    const auto& after = outcome.after;
    if (after.status == kStatusDisabled) {
        core::revocation::revoke_user_tokens(context.redis(), after.id, unix_now());
    }
    revoke_access_tokens(context.redis(), outcome.revoked);

    const auto& before = outcome.before;
    if (after.name != before.name || after.role != before.role ||
        after.manager_id != before.manager_id || after.status != before.status) {
        publish_user(context, after);
        core::log::info("user_updated", {{"user_id", after.id}, {"by", caller.id}});
    }
    return core::Response::json(200, user_json(after));
}

core::Response unlock_user(AuthContext& context, core::Request& request) {
    const auto& caller = request.user();
    require_admin_for(caller, "Only an admin may unlock an account.");
    const auto& id = request.param("id");

    const auto user = context.db().transact("unlock_user", [&](pqxx::work& tx) {
        auto found = require_user(tx, id, false);
        store::write_audit(tx, caller.id, "lockout_cleared", found.id);
        return found;
    });
    context.lockout.clear(user.email);
    core::log::info("lockout_cleared", {{"user_id", user.id}, {"by", caller.id}});
    return core::Response::no_content();
}

core::Response reset_password(AuthContext& context, core::Request& request) {
    const auto& caller = request.user();
    require_user_manager(caller);
    const auto& id = request.param("id");

    const auto temporary_password = generate_temporary_password();
    const auto password_hash = hash_generated_password(temporary_password);

    const auto revoked = context.db().transact("reset_password", [&](pqxx::work& tx) {
        const auto user = require_user(tx, id, true);
        if (user.role == "admin") {
            require_admin_for(caller, "Only an admin may reset an admin's password.");
        }
        store::set_password(tx, user.id, password_hash, true);
        auto tokens = store::revoke_user_families(tx, user.id, std::nullopt, "password_reset");
        store::write_audit(tx, caller.id, "password_reset", user.id);
        return tokens;
    });
    revoke_access_tokens(context.redis(), revoked);
    core::log::info("password_reset", {{"user_id", id}, {"by", caller.id}});

    boost::json::object json;
    json["temporary_password"] = temporary_password;
    return core::Response::json(200, json);
}

}  // namespace kronos::auth::http
