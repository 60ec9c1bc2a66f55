#include "store/users_store.hpp"

#include "kronos/core/errors.hpp"

namespace kronos::auth::store {

namespace {

// The columns of UserRecord, as a macro so that it joins the SQL constants at compile time.
#define KRONOS_AUTH_USER_COLUMNS                                                                 \
    "id::text AS id, email, name, role, manager_id::text AS manager_id, status, "                \
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS created_at, "   \
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') AS created_at_key, " \
    "password_hash, password_temporary"

constexpr const char* kLoginStatement = "auth_find_user_for_login";

constexpr const char* kFindUserByEmail =
    "SELECT " KRONOS_AUTH_USER_COLUMNS " FROM users WHERE lower(email) = lower($1)";

constexpr const char* kFindUser = "SELECT " KRONOS_AUTH_USER_COLUMNS " FROM users WHERE id = $1";

constexpr const char* kLockUser =
    "SELECT " KRONOS_AUTH_USER_COLUMNS " FROM users WHERE id = $1 FOR UPDATE";

constexpr const char* kUserExists = "SELECT 1 FROM users WHERE id = $1";

constexpr const char* kAnyActiveAdmin =
    "SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND status = 'active')";

constexpr const char* kInsertUser =
    "INSERT INTO users (email, name, role, manager_id, password_hash, password_temporary) "
    "VALUES ($1, $2, $3, $4::uuid, $5, $6) RETURNING " KRONOS_AUTH_USER_COLUMNS;

constexpr const char* kUpdateUser =
    "UPDATE users SET name = $2, role = $3, manager_id = $4::uuid, status = $5, "
    "updated_at = now() WHERE id = $1 RETURNING " KRONOS_AUTH_USER_COLUMNS;

constexpr const char* kSetManager =
    "UPDATE users SET manager_id = $2::uuid, updated_at = now() WHERE id = $1";

constexpr const char* kSetPassword =
    "UPDATE users SET password_hash = $2, password_temporary = $3, "
    "password_changed_at = now(), updated_at = now() WHERE id = $1";

// A transaction-scoped advisory lock; the key is a fixed hash so every writer of manager_id
// takes the same one.
constexpr const char* kLockManagerChain =
    "SELECT pg_advisory_xact_lock(hashtext('kronos.auth.users.manager_chain'))";

// Walks up from the proposed manager; UNION (not UNION ALL) stops on an existing cycle.
constexpr const char* kWouldFormCycle = R"(
WITH RECURSIVE chain (id) AS (
    SELECT $2::uuid
    UNION
    SELECT u.manager_id FROM users u JOIN chain c ON u.id = c.id WHERE u.manager_id IS NOT NULL
)
SELECT EXISTS (SELECT 1 FROM chain WHERE id = $1::uuid))";

// ORDER BY names the table's columns: bare `created_at` and `id` would mean the text columns
// of the select list, whose order differs from the keyset comparison in WHERE.
constexpr const char* kListUsers =
    "SELECT " KRONOS_AUTH_USER_COLUMNS
    " FROM users "
    "WHERE ($1::text IS NULL OR strpos(lower(name), lower($1)) > 0 "
    "       OR strpos(lower(email), lower($1)) > 0) "
    "  AND ($2::text IS NULL OR role = $2) "
    "  AND ($3::uuid IS NULL OR manager_id = $3::uuid) "
    "  AND ($4::text IS NULL OR status = $4) "
    "  AND ($5::timestamp IS NULL "
    "       OR (created_at, id) > ($5::timestamp AT TIME ZONE 'UTC', $6::uuid)) "
    "ORDER BY users.created_at, users.id LIMIT $7";

constexpr const char* kAllUsersWithManagerEmail =
    "SELECT u.id::text AS id, u.email, u.name, u.role, m.email AS manager_email "
    "FROM users u LEFT JOIN users m ON m.id = u.manager_id";

#undef KRONOS_AUTH_USER_COLUMNS

std::optional<std::string> optional_text(const pqxx::field& field) {
    if (field.is_null()) {
        return std::nullopt;
    }
    return field.as<std::string>();
}

UserRecord to_user(const pqxx::row& row) {
    UserRecord user;
    user.id = row["id"].as<std::string>();
    user.email = row["email"].as<std::string>();
    user.name = row["name"].as<std::string>();
    user.role = row["role"].as<std::string>();
    user.manager_id = optional_text(row["manager_id"]);
    user.status = row["status"].as<std::string>();
    user.created_at = row["created_at"].as<std::string>();
    user.created_at_key = row["created_at_key"].as<std::string>();
    user.password_hash = row["password_hash"].as<std::string>();
    user.password_temporary = row["password_temporary"].as<bool>();
    return user;
}

std::optional<UserRecord> first_user(const pqxx::result& result) {
    if (result.empty()) {
        return std::nullopt;
    }
    return to_user(result[0]);
}

}  // namespace

void prepare_statements(core::Database& db) {
    db.prepare(kLoginStatement, kFindUserByEmail);
}

std::optional<UserRecord> find_user_for_login(pqxx::work& tx, const std::string& email) {
    return first_user(tx.exec_prepared(kLoginStatement, email));
}

std::optional<UserRecord> find_user(pqxx::work& tx, const std::string& id) {
    return first_user(tx.exec_params(kFindUser, id));
}

std::optional<UserRecord> find_user_by_email(pqxx::work& tx, const std::string& email) {
    return first_user(tx.exec_params(kFindUserByEmail, email));
}

std::optional<UserRecord> lock_user(pqxx::work& tx, const std::string& id) {
    return first_user(tx.exec_params(kLockUser, id));
}

bool user_exists(pqxx::work& tx, const std::string& id) {
    return !tx.exec_params(kUserExists, id).empty();
}

bool any_active_admin(pqxx::work& tx) {
    return tx.exec_params(kAnyActiveAdmin)[0][0].as<bool>();
}

UserRecord insert_user(pqxx::work& tx, const NewUser& user) {
    try {
        auto result = tx.exec_params(kInsertUser, user.email, user.name, user.role, user.manager_id,
                                     user.password_hash, user.password_temporary);
        return to_user(result[0]);
    } catch (const pqxx::sql_error& error) {
        if (core::is_unique_violation(error)) {
            throw core::ApiError::conflict("A user with the email " + user.email +
                                           " already exists.");
        }
        throw;
    }
}

UserRecord update_user(pqxx::work& tx, const std::string& id, const UserChanges& changes) {
    auto result = tx.exec_params(kUpdateUser, id, changes.name, changes.role, changes.manager_id,
                                 changes.status);
    return to_user(result[0]);
}

void set_manager(pqxx::work& tx, const std::string& id,
                 const std::optional<std::string>& manager_id) {
    tx.exec_params(kSetManager, id, manager_id);
}

void set_password(pqxx::work& tx, const std::string& id, const std::string& password_hash,
                  bool temporary) {
    tx.exec_params(kSetPassword, id, password_hash, temporary);
}

void lock_manager_chain(pqxx::work& tx) {
    tx.exec_params(kLockManagerChain);
}

bool would_form_cycle(pqxx::work& tx, const std::string& user_id, const std::string& manager_id) {
    return tx.exec_params(kWouldFormCycle, user_id, manager_id)[0][0].as<bool>();
}

std::vector<UserRecord> list_users(pqxx::work& tx, const UserFilter& filter) {
    auto result =
        tx.exec_params(kListUsers, filter.q, filter.role, filter.manager_id, filter.status,
                       filter.after_created_at, filter.after_id, static_cast<long>(filter.limit));
    std::vector<UserRecord> users;
    users.reserve(result.size());
    for (const auto& row : result) {
        users.push_back(to_user(row));
    }
    return users;
}

std::vector<DirectoryRow> all_users_with_manager_email(pqxx::work& tx) {
    auto result = tx.exec_params(kAllUsersWithManagerEmail);
    std::vector<DirectoryRow> rows;
    rows.reserve(result.size());
    for (const auto& row : result) {
        rows.push_back({row["id"].as<std::string>(), row["email"].as<std::string>(),
                        row["name"].as<std::string>(), row["role"].as<std::string>(),
                        optional_text(row["manager_email"])});
    }
    return rows;
}

}  // namespace kronos::auth::store
