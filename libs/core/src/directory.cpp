#include "kronos/core/directory.hpp"

#include <thread>

#include "kronos/core/json.hpp"
#include "kronos/core/log.hpp"

namespace kronos::core {

namespace {

constexpr const char* kUpsertEntry = R"sql(
INSERT INTO directory (user_id, email, name, role, manager_id, status, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, now())
ON CONFLICT (user_id) DO UPDATE
   SET email = EXCLUDED.email, name = EXCLUDED.name, role = EXCLUDED.role,
       manager_id = EXCLUDED.manager_id, status = EXCLUDED.status, updated_at = now()
)sql";

constexpr const char* kReadCursor = "SELECT last_id FROM directory_cursor WHERE stream = $1";

constexpr const char* kSaveCursor = R"sql(
INSERT INTO directory_cursor (stream, last_id) VALUES ($1, $2)
ON CONFLICT (stream) DO UPDATE SET last_id = EXCLUDED.last_id
)sql";

constexpr const char* kFindEntry =
    "SELECT user_id::text, email, name, role, manager_id::text, status "
    "FROM directory WHERE user_id = $1";

constexpr const char* kIsManager = "SELECT 1 FROM directory WHERE user_id = $1 AND manager_id = $2";

std::optional<std::string> field_of(const RedisReply& fields, std::string_view name) {
    for (std::size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
        if (fields.elements[i].text == name) {
            return fields.elements[i + 1].text;
        }
    }
    return std::nullopt;
}

// Turns one stream entry's field list into a directory entry. Returns nullopt for an entry
// that is not a well-formed user event, which the caller skips and logs.
std::optional<DirectoryEntry> parse_entry(const RedisReply& fields) {
    if (field_of(fields, "type") != "user") {
        return std::nullopt;
    }
    DirectoryEntry entry;
    entry.user_id = field_of(fields, "id").value_or("");
    entry.email = field_of(fields, "email").value_or("");
    entry.name = field_of(fields, "name").value_or("");
    entry.role = field_of(fields, "role").value_or("");
    entry.status = field_of(fields, "status").value_or("active");
    auto manager = field_of(fields, "manager_id").value_or("");
    if (!manager.empty()) {
        entry.manager_id = manager;
    }
    if (!is_uuid(entry.user_id) || (entry.manager_id && !is_uuid(*entry.manager_id))) {
        return std::nullopt;
    }
    return entry;
}

void sleep_unless_stopped(const std::stop_token& stop, std::chrono::milliseconds delay) {
    for (auto waited = std::chrono::milliseconds(0); waited < delay && !stop.stop_requested();
         waited += std::chrono::milliseconds(50)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

}  // namespace

void publish_directory_entry(Redis& redis, const DirectoryEntry& entry) {
    redis.command({"XADD",        kDirectoryStream, "MAXLEN",
                   "~",           "1000000",        "*",
                   "type",        "user",           "id",
                   entry.user_id, "email",          entry.email,
                   "name",        entry.name,       "role",
                   entry.role,    "manager_id",     entry.manager_id.value_or(""),
                   "status",      entry.status});
}

void run_directory_consumer(Database& db, Redis& redis, std::stop_token stop) {
    auto delay = std::chrono::milliseconds(250);
    std::unique_ptr<RedisConnection> connection;
    while (!stop.stop_requested()) {
        try {
            auto last_id = db.transact("read_directory_cursor", [](pqxx::work& tx) {
                auto rows = tx.exec_params(kReadCursor, kDirectoryStream);
                return rows.empty() ? std::string("0") : rows[0][0].as<std::string>();
            });
            if (!connection || connection->broken()) {
                connection = redis.dedicated(std::chrono::milliseconds(3000));
            }
            // Blocks for at most one second so a stop request is seen promptly.
            auto reply = connection->command(
                {"XREAD", "COUNT", "500", "BLOCK", "1000", "STREAMS", kDirectoryStream, last_id});
            if (reply.type == RedisReply::Type::error) {
                throw std::runtime_error("XREAD failed: " + reply.text);
            }
            delay = std::chrono::milliseconds(250);
            if (reply.type != RedisReply::Type::array || reply.elements.empty()) {
                continue;
            }
            const auto& entries = reply.elements[0].elements.at(1).elements;
            std::size_t applied = 0;
            db.transact("apply_directory_events", [&](pqxx::work& tx) {
                std::string position = last_id;
                for (const auto& item : entries) {
                    position = item.elements.at(0).text;
                    auto entry = parse_entry(item.elements.at(1));
                    if (!entry) {
                        log::warn("directory_event_skipped", {{"stream_id", position}});
                        continue;
                    }
                    std::optional<std::string> manager = entry->manager_id;
                    tx.exec_params(kUpsertEntry, entry->user_id, entry->email, entry->name,
                                   entry->role, manager, entry->status);
                    ++applied;
                }
                tx.exec_params(kSaveCursor, kDirectoryStream, position);
            });
            log::debug("directory_events_applied", {{"count", applied}});
        } catch (const std::exception& error) {
            connection.reset();
            log::warn("directory_consumer_retry",
                      {{"error", error.what()}, {"retry_in_ms", delay.count()}});
            sleep_unless_stopped(stop, delay);
            delay = std::min(delay * 2, std::chrono::milliseconds(5000));
        }
    }
}

std::optional<DirectoryEntry> find_directory_entry(pqxx::work& tx, const std::string& user_id) {
    auto rows = tx.exec_params(kFindEntry, user_id);
    if (rows.empty()) {
        return std::nullopt;
    }
    const auto& row = rows[0];
    DirectoryEntry entry{row[0].as<std::string>(),
                         row[1].as<std::string>(),
                         row[2].as<std::string>(),
                         row[3].as<std::string>(),
                         std::nullopt,
                         row[5].as<std::string>()};
    if (!row[4].is_null()) {
        entry.manager_id = row[4].as<std::string>();
    }
    return entry;
}

bool is_manager_of(pqxx::work& tx, const std::string& manager_id, const std::string& user_id) {
    return !tx.exec_params(kIsManager, user_id, manager_id).empty();
}

}  // namespace kronos::core
