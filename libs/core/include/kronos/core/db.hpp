#pragma once

// A pool of PostgreSQL connections (libpqxx). Each connection has its search_path set to the
// service's schema, statement and lock timeouts, and UTC. A lost connection is dropped and
// replaced on next use; start-up does not wait for the database (readiness reports it).

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace kronos::core {

class Database {
  public:
    struct Options {
        std::string url;
        std::string schema;
        std::size_t pool_size = 8;
        int statement_timeout_ms = 5000;
        int lock_timeout_ms = 3000;
        int connect_timeout_s = 3;
        // Time a request waits for a free connection before 503.
        std::chrono::milliseconds acquire_timeout{5000};
    };

    explicit Database(Options options);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Registers a statement that every connection prepares when it opens, for hot queries
    // (`tx.exec_prepared(name, ...)`). Call before serving.
    void prepare(std::string name, std::string sql);

    // Runs `work(tx)` in one transaction and commits when it returns. `name` names the
    // transaction in logs (`approve_request`). A serialization failure or deadlock is retried
    // up to three times; a connection lost before commit is retried once on a new connection.
    // ApiErrors thrown by `work` roll back and pass through unchanged.
    template <class Work>
    auto transact(std::string_view name, Work&& work) -> std::invoke_result_t<Work&, pqxx::work&> {
        using Result = std::invoke_result_t<Work&, pqxx::work&>;
        if constexpr (std::is_void_v<Result>) {
            run_transaction(name, [&](pqxx::work& tx) { work(tx); });
        } else {
            std::optional<Result> result;
            run_transaction(name, [&](pqxx::work& tx) { result.emplace(work(tx)); });
            return std::move(*result);
        }
    }

    // `SELECT 1`; false on any failure.
    bool ping();
    // The schema's Alembic revision, or nullopt when the table is missing or unreachable.
    std::optional<std::string> migration_version();
    const std::string& schema() const { return options_.schema; }

    // Opens one connection outside the pool, retrying with backoff until it succeeds or
    // `stop` returns true; logs each retry. Used at start-up for a clear log of the wait.
    void wait_until_reachable(const std::function<bool()>& stop);

  private:
    struct Slot;
    class Lease;

    void run_transaction(std::string_view name, const std::function<void(pqxx::work&)>& work);
    std::unique_ptr<pqxx::connection> open();
    Lease acquire();
    void release(std::unique_ptr<pqxx::connection> connection);

    Options options_;
    std::vector<std::pair<std::string, std::string>> prepared_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<pqxx::connection>> idle_;
    std::size_t open_count_ = 0;
};

// SQLSTATE helpers for mapping constraint violations to API errors in store code.
bool is_unique_violation(const pqxx::sql_error& error);       // 23505
bool is_exclusion_violation(const pqxx::sql_error& error);    // 23P01
bool is_foreign_key_violation(const pqxx::sql_error& error);  // 23503
bool is_check_violation(const pqxx::sql_error& error);        // 23514

}  // namespace kronos::core
