#pragma once

// What every service's main() wires together: configuration, logging, the router, the HTTP
// server, PostgreSQL, Redis, token verification, /health, /ready and /metrics.
//
// Environment variables read here (secrets may also come from NAME_FILE):
//   SERVICE_NAME, BIND_ADDRESS (127.0.0.1), PORT, LOG_LEVEL (info), DATABASE_URL,
//   DATABASE_SCHEMA, DATABASE_POOL_SIZE (8), REDIS_URL, AUTH_PUBLIC_KEYS, IO_THREADS (1),
//   WORKER_THREADS (8), REQUEST_TIMEOUT_SECONDS (30), KEEPALIVE_TIMEOUT_SECONDS (75).

#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "kronos/core/db.hpp"
#include "kronos/core/redis.hpp"
#include "kronos/core/router.hpp"
#include "kronos/core/token.hpp"

namespace kronos::core {

struct ServiceOptions {
    std::string name;                // auth, leave or expense; must match SERVICE_NAME
    std::string expected_migration;  // the Alembic revision this build needs ("0001")
    int default_port = 0;
};

class Service {
  public:
    explicit Service(ServiceOptions options);
    ~Service();

    const std::string& name() const { return options_.name; }
    Router& router() { return router_; }
    Database& db() { return *database_; }
    Redis& redis() { return *redis_; }
    TokenVerifier& verifier() { return *verifier_; }
    // `/api/v1/<name>`, the prefix of every route of this service.
    std::string prefix() const { return "/api/v1/" + options_.name; }

    // A task run on its own thread while the service runs (for example a stream consumer);
    // it must return soon after `stop` is requested.
    void add_background_task(std::function<void(std::stop_token)> task);
    // Extra readiness check; returns an empty string when ready, otherwise the reason.
    void add_readiness_check(std::string name, std::function<std::string()> check);

    // Serves until SIGTERM or SIGINT, then drains in-flight requests (at most 10 s) and
    // returns the exit status.
    int run();

  private:
    ServiceOptions options_;
    Router router_;
    std::unique_ptr<Database> database_;
    std::unique_ptr<Redis> redis_;
    std::unique_ptr<TokenVerifier> verifier_;
    std::vector<std::function<void(std::stop_token)>> background_tasks_;
    std::vector<std::pair<std::string, std::function<std::string()>>> readiness_checks_;
};

// Runs `body` (which builds and runs a Service) and turns a ConfigError into a message on
// stderr and exit status 2.
int run_service_main(const std::function<int()>& body);

}  // namespace kronos::core
