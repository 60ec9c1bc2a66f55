#pragma once

// Who reports to whom, as leave and expense learn it from auth's directory events.
//
// auth publishes every change of a user to the Redis stream `kronos:directory` as an entry with
// the fields type=user, id, email, name, role, manager_id ("" for none), status. On start it
// publishes a snapshot of every user, so a lost or trimmed stream heals.
//
// A consuming service keeps two tables in its own schema (created by its migrations):
//   directory(user_id uuid primary key, email text, name text, role text,
//             manager_id uuid null, status text, updated_at timestamptz)
//   directory_cursor(stream text primary key, last_id text)
// and applies entries in order, saving the stream position in the same transaction.

#include <optional>
#include <stop_token>
#include <string>

#include "kronos/core/db.hpp"
#include "kronos/core/redis.hpp"

namespace kronos::core {

inline constexpr const char* kDirectoryStream = "kronos:directory";

struct DirectoryEntry {
    std::string user_id;
    std::string email;
    std::string name;
    std::string role;
    std::optional<std::string> manager_id;
    std::string status;
};

// Publishes one user to the stream (used by auth).
void publish_directory_entry(Redis& redis, const DirectoryEntry& entry);

// Reads the stream from the saved position and applies it until `stop` is requested.
void run_directory_consumer(Database& db, Redis& redis, std::stop_token stop);

// The directory row of a user, read inside the caller's transaction.
std::optional<DirectoryEntry> find_directory_entry(pqxx::work& tx, const std::string& user_id);

// Whether `manager_id` is the current manager of `user_id` in the directory.
bool is_manager_of(pqxx::work& tx, const std::string& manager_id, const std::string& user_id);

}  // namespace kronos::core
