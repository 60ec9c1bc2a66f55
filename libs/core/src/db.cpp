#include "kronos/core/db.hpp"

#include <thread>

#include "kronos/core/errors.hpp"
#include "kronos/core/log.hpp"

namespace kronos::core {

// A borrowed connection, returned to the pool on destruction unless discarded.
class Database::Lease {
  public:
    Lease(Database& owner, std::unique_ptr<pqxx::connection> connection)
        : owner_(&owner), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept
        : owner_(other.owner_), connection_(std::move(other.connection_)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
        if (connection_) {
            owner_->release(std::move(connection_));
        }
    }

    pqxx::connection& operator*() { return *connection_; }

    // Drops a connection that failed, so the pool opens a fresh one next time.
    void discard() {
        connection_.reset();
        owner_->release(nullptr);
    }

  private:
    Database* owner_;
    std::unique_ptr<pqxx::connection> connection_;
};

Database::Database(Options options) : options_(std::move(options)) {}

Database::~Database() = default;

void Database::prepare(std::string name, std::string sql) {
    std::lock_guard lock(mutex_);
    prepared_.emplace_back(std::move(name), std::move(sql));
}

std::unique_ptr<pqxx::connection> Database::open() {
    std::string conninfo = options_.url;
    conninfo += (conninfo.find('?') == std::string::npos ? "?" : "&");
    conninfo += "connect_timeout=" + std::to_string(options_.connect_timeout_s) +
                "&application_name=kronos-" + options_.schema;
    auto connection = std::make_unique<pqxx::connection>(conninfo);

    pqxx::nontransaction setup(*connection);
    setup.exec("SET search_path TO " + setup.quote_name(options_.schema));
    setup.exec("SET statement_timeout = " + std::to_string(options_.statement_timeout_ms));
    setup.exec("SET lock_timeout = " + std::to_string(options_.lock_timeout_ms));
    setup.exec("SET idle_in_transaction_session_timeout = 60000");
    setup.exec("SET TIME ZONE 'UTC'");
    setup.commit();

    std::vector<std::pair<std::string, std::string>> statements;
    {
        std::lock_guard lock(mutex_);
        statements = prepared_;
    }
    for (const auto& [name, sql] : statements) {
        connection->prepare(name, sql);
    }
    return connection;
}

Database::Lease Database::acquire() {
    std::unique_lock lock(mutex_);
    const bool ready = available_.wait_for(lock, options_.acquire_timeout, [this] {
        return !idle_.empty() || open_count_ < options_.pool_size;
    });
    if (!ready) {
        throw ApiError::unavailable("The database is busy; try again shortly.")
            .with_log_detail("timed out waiting for a free database connection");
    }
    if (!idle_.empty()) {
        auto connection = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(connection));
    }
    ++open_count_;
    lock.unlock();
    try {
        return Lease(*this, open());
    } catch (const std::exception& error) {
        lock.lock();
        --open_count_;
        lock.unlock();
        available_.notify_one();
        throw ApiError::unavailable("The database is not reachable; try again shortly.")
            .with_log_detail(std::string("database connection failed: ") + error.what());
    }
}

void Database::release(std::unique_ptr<pqxx::connection> connection) {
    {
        std::lock_guard lock(mutex_);
        if (connection && connection->is_open()) {
            idle_.push_back(std::move(connection));
        } else {
            --open_count_;
        }
    }
    available_.notify_one();
}

void Database::run_transaction(std::string_view name,
                               const std::function<void(pqxx::work&)>& work) {
    constexpr int kMaxAttempts = 4;
    for (int attempt = 1;; ++attempt) {
        auto lease = acquire();
        try {
            pqxx::work tx(*lease, std::string(name));
            work(tx);
            tx.commit();
            return;
        } catch (const ApiError&) {
            throw;
        } catch (const pqxx::in_doubt_error& error) {
            lease.discard();
            throw ApiError::unavailable(
                "The database connection was lost during commit; check "
                "whether the change was saved before retrying.")
                .with_log_detail(std::string(name) + ": commit in doubt: " + error.what());
        } catch (const pqxx::broken_connection& error) {
            lease.discard();
            if (attempt >= 2) {
                throw ApiError::unavailable("The database is not reachable; try again shortly.")
                    .with_log_detail(std::string(name) + ": connection lost: " + error.what());
            }
            log::warn("db_retry", {{"transaction", name},
                                   {"attempt", attempt},
                                   {"reason", "connection lost"},
                                   {"error", error.what()}});
        } catch (const pqxx::transaction_rollback& error) {
            if (attempt >= kMaxAttempts) {
                throw ApiError::conflict("A concurrent change got in the way; try again.")
                    .with_log_detail(std::string(name) + ": " + error.what());
            }
            log::info("db_retry", {{"transaction", name},
                                   {"attempt", attempt},
                                   {"reason", "serialization failure or deadlock"}});
        } catch (const pqxx::sql_error& error) {
            if (error.sqlstate() == "57014" || error.sqlstate() == "55P03") {
                throw ApiError::unavailable("The database query timed out; try again.")
                    .with_log_detail(std::string(name) + ": " + error.what());
            }
            throw;
        }
    }
}

bool Database::ping() {
    try {
        auto lease = acquire();
        try {
            pqxx::nontransaction tx(*lease);
            tx.exec("SELECT 1");
            return true;
        } catch (const pqxx::broken_connection&) {
            lease.discard();
            return false;
        }
    } catch (const std::exception&) {
        return false;
    }
}

std::optional<std::string> Database::migration_version() {
    try {
        auto lease = acquire();
        try {
            pqxx::nontransaction tx(*lease);
            auto rows = tx.exec("SELECT version_num FROM " + tx.quote_name(options_.schema) +
                                ".alembic_version");
            if (rows.empty()) {
                return std::nullopt;
            }
            return rows[0][0].as<std::string>();
        } catch (const pqxx::broken_connection&) {
            lease.discard();
            return std::nullopt;
        }
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

void Database::wait_until_reachable(const std::function<bool()>& stop) {
    auto delay = std::chrono::milliseconds(250);
    for (int attempt = 1; !stop(); ++attempt) {
        try {
            auto connection = open();
            {
                std::lock_guard lock(mutex_);
                ++open_count_;
            }
            release(std::move(connection));
            log::info("db_connected", {{"schema", options_.schema}, {"attempts", attempt}});
            return;
        } catch (const std::exception& error) {
            log::warn("db_connect_retry", {{"schema", options_.schema},
                                           {"attempt", attempt},
                                           {"retry_in_ms", delay.count()},
                                           {"error", error.what()}});
        }
        for (auto waited = std::chrono::milliseconds(0); waited < delay && !stop();
             waited += std::chrono::milliseconds(50)) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        delay = std::min(delay * 2, std::chrono::milliseconds(5000));
    }
}

namespace {
bool has_state(const pqxx::sql_error& error, const char* state) {
    return error.sqlstate() == state;
}
}  // namespace

bool is_unique_violation(const pqxx::sql_error& error) {
    return has_state(error, "23505");
}
bool is_exclusion_violation(const pqxx::sql_error& error) {
    return has_state(error, "23P01");
}
bool is_foreign_key_violation(const pqxx::sql_error& error) {
    return has_state(error, "23503");
}
bool is_check_violation(const pqxx::sql_error& error) {
    return has_state(error, "23514");
}

}  // namespace kronos::core
