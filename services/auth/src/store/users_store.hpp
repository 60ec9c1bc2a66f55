#pragma once

// SQL on the `users` table. Every function runs inside the caller's transaction.

#include <cstddef>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "kronos/core/db.hpp"

namespace kronos::auth::store {

struct UserRecord {
    std::string id;
    std::string email;
    std::string name;
    std::string role;
    std::optional<std::string> manager_id;
    std::string status;
    std::string created_at;      // RFC 3339 UTC, seconds
    std::string created_at_key;  // UTC with microseconds, for list cursors
    std::string password_hash;
    bool password_temporary = false;
};

// Registers the prepared statements of hot queries (the login lookup).
void prepare_statements(core::Database& db);

// The user with this normalised email (prepared statement).
std::optional<UserRecord> find_user_for_login(pqxx::work& tx, const std::string& email);
std::optional<UserRecord> find_user(pqxx::work& tx, const std::string& id);
std::optional<UserRecord> find_user_by_email(pqxx::work& tx, const std::string& email);
// find_user with a row lock (FOR UPDATE) held until the transaction ends.
std::optional<UserRecord> lock_user(pqxx::work& tx, const std::string& id);
bool user_exists(pqxx::work& tx, const std::string& id);
bool any_active_admin(pqxx::work& tx);

struct NewUser {
    std::string email;
    std::string name;
    std::string role;
    std::optional<std::string> manager_id;
    std::string password_hash;
    bool password_temporary = false;
};

// Inserts a user; throws ApiError::conflict when the email is taken.
UserRecord insert_user(pqxx::work& tx, const NewUser& user);

struct UserChanges {
    std::string name;
    std::string role;
    std::optional<std::string> manager_id;
    std::string status;
};

UserRecord update_user(pqxx::work& tx, const std::string& id, const UserChanges& changes);
void set_manager(pqxx::work& tx, const std::string& id,
                 const std::optional<std::string>& manager_id);
void set_password(pqxx::work& tx, const std::string& id, const std::string& password_hash,
                  bool temporary);

// Serialises every change of manager_id (and the import) for the rest of the transaction.
// Otherwise two concurrent changes could together close a cycle that neither check detects.
void lock_manager_chain(pqxx::work& tx);

// Whether making `manager_id` the manager of `user_id` would close a cycle: true when
// `user_id` is `manager_id` or one of its managers up the chain.
bool would_form_cycle(pqxx::work& tx, const std::string& user_id, const std::string& manager_id);

struct UserFilter {
    std::optional<std::string> q;
    std::optional<std::string> role;
    std::optional<std::string> manager_id;
    std::optional<std::string> status;
    // Keyset position: the created_at_key and id of the last user of the previous page.
    std::optional<std::string> after_created_at;
    std::optional<std::string> after_id;
    std::size_t limit = 50;
};

// Users matching `filter`, ordered by (created_at, id).
std::vector<UserRecord> list_users(pqxx::work& tx, const UserFilter& filter);

// One directory row per user: id, email, name, role and manager (as email), for the import.
struct DirectoryRow {
    std::string id;
    std::string email;
    std::string name;
    std::string role;
    std::optional<std::string> manager_email;
};
std::vector<DirectoryRow> all_users_with_manager_email(pqxx::work& tx);

}  // namespace kronos::auth::store
