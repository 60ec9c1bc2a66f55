// POST /users/import: creates and updates users from a CSV file (email,name,role,manager_email).

#include <boost/json/array.hpp>
#include <map>

#include "domain/import_plan.hpp"
#include "domain/password.hpp"
#include "domain/roles.hpp"
#include "http/handlers.hpp"
#include "kronos/core/errors.hpp"
#include "kronos/core/log.hpp"
#include "store/audit_store.hpp"

namespace kronos::auth::http {

namespace {

struct Credential {
    std::string email;
    std::string temporary_password;
};

struct ImportResult {
    std::size_t created = 0;
    std::size_t updated = 0;
    std::size_t unchanged = 0;
    std::vector<ImportError> errors;
    std::vector<Credential> credentials;
    std::vector<store::UserRecord> changed_users;  // for directory events
    std::vector<store::AccessTokenRef> revoked;
};

std::map<std::string, ExistingUser> load_existing_users(pqxx::work& tx) {
    std::map<std::string, ExistingUser> existing;
    for (auto& row : store::all_users_with_manager_email(tx)) {
        auto email = row.email;
        existing.emplace(std::move(email),
                         ExistingUser{std::move(row.id), std::move(row.email), std::move(row.name),
                                      std::move(row.role), std::move(row.manager_email)});
    }
    return existing;
}

// Applies the plan in two passes: users first (so that every manager exists), managers second.
ImportResult apply_plan(pqxx::work& tx, const ImportPlan& plan,
                        const std::map<std::string, ExistingUser>& existing,
                        const core::Principal& importer) {
    ImportResult result;
    result.errors = plan.errors;
    std::map<std::string, std::string> id_by_email;
    for (const auto& [email, user] : existing) {
        id_by_email.emplace(email, user.id);
    }

    for (const auto& planned : plan.rows) {
        const auto& row = planned.row;
        switch (planned.action) {
            case ImportAction::create: {
                auto temporary_password = generate_temporary_password();
                auto user =
                    store::insert_user(tx, {row.email, row.name, row.role, std::nullopt,
                                            hash_generated_password(temporary_password), true});
                id_by_email[row.email] = user.id;
                result.credentials.push_back({row.email, std::move(temporary_password)});
                ++result.created;
                break;
            }
            case ImportAction::update: {
                const auto& before = existing.at(row.email);
                if (planned.name_changed || planned.role_changed) {
                    auto current = store::lock_user(tx, before.id);
                    store::update_user(tx, before.id,
                                       {row.name, row.role, current->manager_id, current->status});
                }
                if (planned.role_changed) {
                    store::write_audit(
                        tx, importer.id, "role_changed", before.id,
                        {{"from", before.role}, {"to", row.role}, {"via", "import"}});
                    if (manages_users(before.role) && !manages_users(row.role)) {
                        auto tokens = store::unexpired_access_tokens(tx, before.id);
                        result.revoked.insert(result.revoked.end(), tokens.begin(), tokens.end());
                    }
                }
                ++result.updated;
                break;
            }
            case ImportAction::unchanged:
                ++result.unchanged;
                break;
        }
    }

    for (const auto& planned : plan.rows) {
        if (!planned.manager_changed) {
            continue;
        }
        std::optional<std::string> manager_id;
        if (planned.row.manager_email) {
            manager_id = id_by_email.at(*planned.row.manager_email);
        }
        store::set_manager(tx, id_by_email.at(planned.row.email), manager_id);
    }

    for (const auto& planned : plan.rows) {
        if (planned.action != ImportAction::unchanged) {
            result.changed_users.push_back(
                *store::find_user(tx, id_by_email.at(planned.row.email)));
        }
    }

    boost::json::object details;
    details["created"] = result.created;
    details["updated"] = result.updated;
    details["unchanged"] = result.unchanged;
    details["errors"] = result.errors.size();
    store::write_audit(tx, importer.id, "users_imported", std::nullopt, details);
    return result;
}

boost::json::object result_json(const ImportResult& result) {
    boost::json::array errors;
    for (const auto& error : result.errors) {
        errors.push_back({{"line", error.line}, {"message", error.message}});
    }
    boost::json::array credentials;
    for (const auto& credential : result.credentials) {
        credentials.push_back(
            {{"email", credential.email}, {"temporary_password", credential.temporary_password}});
    }
    boost::json::object json;
    json["created"] = result.created;
    json["updated"] = result.updated;
    json["unchanged"] = result.unchanged;
    json["errors"] = std::move(errors);
    json["credentials"] = std::move(credentials);
    return json;
}

}  // namespace

core::Response import_users(AuthContext& context, core::Request& request) {
    const auto& importer = request.user();
    require_user_manager(importer);
    if (request.content_type() != "text/csv") {
        throw core::ApiError(core::ErrorKind::unsupported_media_type,
                             "Send the file as Content-Type: text/csv.");
    }

    const auto file = read_import_file(request.body);
    if (file.problem) {
        throw core::ApiError::field("body", *file.problem);
    }

    // Planning reads the users under the manager-chain lock, so the checks for unknown managers
    // and cycles hold until the import commits. Temporary passwords are hashed inside the
    // transaction, so it grows by one argon2id hash per created user.
    auto result = context.db().transact("import_users", [&](pqxx::work& tx) {
        store::lock_manager_chain(tx);
        const auto existing = load_existing_users(tx);
        const auto plan = plan_import(file, existing, importer.is_admin());
        return apply_plan(tx, plan, existing, importer);
    });

    revoke_access_tokens(context.redis(), result.revoked);
    for (const auto& user : result.changed_users) {
        publish_user(context, user);
    }
    core::log::info("users_imported", {{"by", importer.id},
                                       {"created", result.created},
                                       {"updated", result.updated},
                                       {"unchanged", result.unchanged},
                                       {"errors", result.errors.size()}});
    return core::Response::json(200, result_json(result));
}

}  // namespace kronos::auth::http
