#include "startup.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "domain/password.hpp"
#include "domain/roles.hpp"
#include "kronos/core/directory.hpp"
#include "kronos/core/errors.hpp"
#include "kronos/core/log.hpp"
#include "store/audit_store.hpp"

namespace kronos::auth {

namespace {

constexpr std::size_t kSnapshotPageSize = 500;
constexpr std::chrono::seconds kMaxRetryDelay{30};

// Sleeps for `duration` or until a stop is requested; returns false when stopped.
bool sleep_unless_stopped(std::stop_token stop, std::chrono::milliseconds duration) {
    std::mutex mutex;
    std::condition_variable_any wake;
    std::unique_lock lock(mutex);
    wake.wait_for(lock, stop, duration, [] { return false; });
    return !stop.stop_requested();
}

bool wait_for_migration(AuthContext& context, const std::string& expected, std::stop_token stop) {
    context.db().wait_until_reachable([&] { return stop.stop_requested(); });
    bool logged = false;
    while (!stop.stop_requested()) {
        const auto version = context.db().migration_version();
        if (version == expected) {
            return true;
        }
        if (!logged) {
            core::log::warn("startup_waiting_for_migration",
                            {{"expected", expected}, {"found", version ? *version : "none"}});
            logged = true;
        }
        if (!sleep_unless_stopped(stop, std::chrono::seconds(2))) {
            break;
        }
    }
    return false;
}

void create_bootstrap_admin(AuthContext& context, const BootstrapAdmin& admin) {
    const auto created = context.db().transact(
        "create_bootstrap_admin", [&](pqxx::work& tx) -> std::optional<store::UserRecord> {
            store::lock_manager_chain(tx);
            if (store::any_active_admin(tx)) {
                return std::nullopt;
            }
            if (auto existing = store::find_user_by_email(tx, admin.email)) {
                core::log::error("bootstrap_admin_email_taken",
                                 {{"email", admin.email}, {"user_id", existing->id}});
                return std::nullopt;
            }
            auto user = store::insert_user(tx, {admin.email, "Administrator", "admin", std::nullopt,
                                                hash_password(admin.password), false});
            store::write_audit(tx, std::nullopt, "bootstrap_admin_created", user.id);
            return user;
        });
    if (created) {
        core::log::info("bootstrap_admin_created",
                        {{"email", created->email}, {"user_id", created->id}});
        publish_user(context, *created);
    }
}

// Publishes every user, page by page; retries a page with backoff while Redis is down.
void publish_snapshot(AuthContext& context, std::stop_token stop) {
    store::UserFilter filter;
    filter.limit = kSnapshotPageSize;
    std::size_t published = 0;
    std::chrono::milliseconds delay{500};
    while (!stop.stop_requested()) {
        std::vector<store::UserRecord> page;
        try {
            page = context.db().transact("list_users_for_snapshot", [&](pqxx::work& tx) {
                return store::list_users(tx, filter);
            });
            for (const auto& user : page) {
                core::publish_directory_entry(
                    context.redis(),
                    {user.id, user.email, user.name, user.role, user.manager_id, user.status});
            }
        } catch (const std::exception& error) {
            core::log::warn("directory_snapshot_retry",
                            {{"error", error.what()}, {"delay_ms", delay.count()}});
            if (!sleep_unless_stopped(stop, delay)) {
                return;
            }
            delay = std::min<std::chrono::milliseconds>(delay * 2, kMaxRetryDelay);
            continue;
        }
        published += page.size();
        if (page.size() < kSnapshotPageSize) {
            break;
        }
        filter.after_created_at = page.back().created_at_key;
        filter.after_id = page.back().id;
    }
    core::log::info("directory_snapshot_published", {{"users", published}});
}

}  // namespace

void run_startup_tasks(AuthContext& context, const std::string& expected_migration,
                       std::stop_token stop) {
    if (!wait_for_migration(context, expected_migration, stop)) {
        return;
    }
    std::chrono::milliseconds delay{500};
    while (!stop.stop_requested()) {
        try {
            if (context.settings.bootstrap_admin) {
                create_bootstrap_admin(context, *context.settings.bootstrap_admin);
            }
            break;
        } catch (const std::exception& error) {
            core::log::error("bootstrap_admin_retry",
                             {{"error", error.what()}, {"delay_ms", delay.count()}});
            if (!sleep_unless_stopped(stop, delay)) {
                return;
            }
            delay = std::min<std::chrono::milliseconds>(delay * 2, kMaxRetryDelay);
        }
    }
    context.startup_done = true;
    publish_snapshot(context, stop);
}

}  // namespace kronos::auth
