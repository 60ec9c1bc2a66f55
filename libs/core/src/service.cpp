#include "kronos/core/service.hpp"

#include <boost/json/serialize.hpp>
#include <iostream>

#include "dispatcher.hpp"
#include "kronos/core/config.hpp"
#include "kronos/core/errors.hpp"
#include "kronos/core/log.hpp"
#include "metrics.hpp"
#include "server.hpp"

namespace kronos::core {

namespace {

Redis::Options redis_options() {
    Redis::Options options;
    options.url = config::secret("REDIS_URL");
    options.timeout =
        std::chrono::milliseconds(config::integer("REDIS_TIMEOUT_MS", 1000, 50, 60000));
    options.pool_size = static_cast<std::size_t>(config::integer("REDIS_POOL_SIZE", 8, 1, 256));
    return options;
}

}  // namespace

Service::Service(ServiceOptions options) : options_(std::move(options)) {
    const auto service_name = config::optional("SERVICE_NAME", options_.name);
    if (service_name != options_.name) {
        throw ConfigError("SERVICE_NAME is '" + service_name + "' but this binary is the " +
                          options_.name + " service.");
    }
    log::init(options_.name, log::parse_level(config::optional("LOG_LEVEL", "info")));

    Database::Options db;
    db.url = config::secret("DATABASE_URL");
    db.schema = config::optional("DATABASE_SCHEMA", options_.name);
    if (db.schema.empty() ||
        db.schema.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
        throw ConfigError("DATABASE_SCHEMA must be lower-case letters, digits or '_', got '" +
                          db.schema + "'.");
    }
    db.pool_size = static_cast<std::size_t>(config::integer("DATABASE_POOL_SIZE", 8, 1, 256));
    db.statement_timeout_ms =
        static_cast<int>(config::integer("DATABASE_STATEMENT_TIMEOUT_MS", 5000, 100, 600000));
    database_ = std::make_unique<Database>(std::move(db));
    redis_ = std::make_unique<Redis>(redis_options());

    std::map<std::string, PublicKey> keys;
    if (auto spec = config::optional_secret("AUTH_PUBLIC_KEYS")) {
        keys = TokenVerifier::parse_keys(*spec);
    } else if (options_.name != "auth") {
        throw ConfigError(
            "AUTH_PUBLIC_KEYS is not set; give auth's public keys as "
            "KID:BASE64URL_KEY[,KID:...].");
    }
    verifier_ = std::make_unique<TokenVerifier>(std::move(keys), redis_.get());
}

Service::~Service() = default;

void Service::add_background_task(std::function<void(std::stop_token)> task) {
    background_tasks_.push_back(std::move(task));
}

void Service::add_readiness_check(std::string name, std::function<std::string()> check) {
    readiness_checks_.emplace_back(std::move(name), std::move(check));
}

int Service::run() {
    ServerOptions server;
    server.address = config::optional("BIND_ADDRESS", "127.0.0.1");
    server.port =
        static_cast<unsigned short>(config::integer("PORT", options_.default_port, 1, 65535));
    server.io_threads = static_cast<std::size_t>(config::integer("IO_THREADS", 1, 1, 64));
    server.worker_threads = static_cast<std::size_t>(config::integer("WORKER_THREADS", 8, 1, 256));
    server.read_timeout =
        std::chrono::seconds(config::integer("REQUEST_TIMEOUT_SECONDS", 30, 1, 600));
    server.write_timeout = server.read_timeout;
    server.keepalive_timeout =
        std::chrono::seconds(config::integer("KEEPALIVE_TIMEOUT_SECONDS", 75, 1, 3600));

    Metrics metrics;
    const auto service = options_.name;

    router_.add("GET", prefix() + "/health",
                [service](Request&) {
                    return Response::json(200, {{"status", "ok"}, {"service", service}});
                },
                {.authenticated = false});

    router_.add(
        "GET", prefix() + "/ready",
        [this, service](Request& request) {
            boost::json::object checks;
            bool ready = true;
            const bool database_up = database_->ping();
            checks["database"] = database_up ? "ok" : "unreachable";
            ready = ready && database_up;
            const bool redis_up = redis_->ping();
            checks["redis"] = redis_up ? "ok" : "unreachable";
            ready = ready && redis_up;
            if (database_up) {
                auto version = database_->migration_version();
                if (version == options_.expected_migration) {
                    checks["migrations"] = "ok";
                } else {
                    checks["migrations"] = "schema '" + database_->schema() + "' is at " +
                                           version.value_or("no revision") + ", needs " +
                                           options_.expected_migration + "; run the migrations";
                    ready = false;
                }
            } else {
                checks["migrations"] = "unknown";
            }
            for (const auto& [name, check] : readiness_checks_) {
                auto problem = check();
                checks[name] = problem.empty() ? "ok" : problem;
                ready = ready && problem.empty();
            }
            if (!ready) {
                boost::json::object problem{{"type", "/problems/not-ready"},
                                            {"title", "Service unavailable"},
                                            {"status", 503},
                                            {"detail", "A dependency is not ready; see checks."},
                                            {"request_id", request.request_id},
                                            {"service", service},
                                            {"checks", checks}};
                return Response::raw(503, "application/problem+json",
                                     boost::json::serialize(problem));
            }
            return Response::json(200,
                                  {{"status", "ready"}, {"service", service}, {"checks", checks}});
        },
        {.authenticated = false});

    router_.add("GET", "/metrics",
                [&metrics, service](Request&) {
                    return Response::raw(200, "text/plain; version=0.0.4", metrics.render(service));
                },
                {.authenticated = false});

    Dispatcher dispatcher(options_.name, router_, verifier_.get(), metrics);
    HttpServer http(server, dispatcher);

    std::vector<std::jthread> tasks;
    tasks.emplace_back([this](std::stop_token stop) {
        database_->wait_until_reachable([&stop] { return stop.stop_requested(); });
    });
    for (auto& task : background_tasks_) {
        tasks.emplace_back(task);
    }

    log::info("starting", {{"expected_migration", options_.expected_migration},
                           {"worker_threads", server.worker_threads}});
    http.run();
    for (auto& task : tasks) {
        task.request_stop();
    }
    tasks.clear();
    log::info("stopped");
    return 0;
}

int run_service_main(const std::function<int()>& body) {
    try {
        return body();
    } catch (const ConfigError& error) {
        std::cerr << "configuration error: " << error.what() << std::endl;
        log::error("config_error", {{"error", error.what()}});
        return 2;
    } catch (const std::exception& error) {
        log::error("fatal", {{"error", error.what()}});
        return 1;
    }
}

}  // namespace kronos::core
