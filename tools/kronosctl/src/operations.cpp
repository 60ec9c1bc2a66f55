#include "operations.hpp"

#include <signal.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <thread>

#include "commands.hpp"
#include "compose_model.hpp"
#include "process.hpp"
#include "status.hpp"

namespace kronosctl {
namespace {

[[noreturn]] void fail(const std::string& message, int code = 1) {
    std::cerr << "kronosctl: " << as_invoked(message) << '\n';
    throw CLI::RuntimeError(code);
}

Context load_or_fail(const ContextOptions& options) {
    try {
        return load_context(options);
    } catch (const std::exception& error) {
        fail(error.what(), 2);
    }
}

std::vector<std::string> service_names(const Context& context) {
    const auto compose = load_compose_file(context.compose_file());
    if (!compose.error.empty()) {
        fail(compose.error);
    }
    std::vector<std::string> names;
    for (const auto& service : compose.services) {
        names.push_back(service.name);
    }
    return names;
}

void require_service(const Context& context, const std::string& name) {
    const auto names = service_names(context);
    if (std::find(names.begin(), names.end(), name) == names.end()) {
        std::string known;
        for (const auto& service : names) {
            known += (known.empty() ? "" : ", ") + service;
        }
        fail("unknown service '" + name + "'; use one of: " + known, 2);
    }
}

void require_native_stack(const Context& context) {
    if (!context.native_stack_exists()) {
        fail(context.missing_native_stack());
    }
}

// Runs COMMAND with its output on the terminal; fails with a message naming it.
void run_visible(const std::vector<std::string>& command, std::chrono::milliseconds timeout,
                 const std::map<std::string, std::string>& environment = {},
                 const std::filesystem::path& directory = {}) {
    std::cout << "+ " << describe_command(command) << std::endl;
    ProcessOptions options;
    options.inherit_output = true;
    options.timeout = timeout;
    options.environment = environment;
    if (!directory.empty()) {
        options.working_directory = directory;
    }
    const auto result = run_process(command, options);
    if (!result.error.empty()) {
        fail(result.error);
    }
    if (result.timed_out) {
        fail(describe_command(command) + " timed out after " +
             std::to_string(timeout.count() / 1000) + " s");
    }
    if (result.exit_code != 0) {
        fail(describe_command(command) + " failed with exit status " +
             std::to_string(result.exit_code));
    }
}

int start_timeout_seconds() {
    const char* text = std::getenv("KRONOS_START_TIMEOUT");
    int seconds = 120;
    if (text != nullptr && *text != '\0') {
        std::from_chars(text, text + std::char_traits<char>::length(text), seconds);
    }
    return std::max(seconds, 1);
}

void wait_until_healthy(const Context& context, const std::string& name) {
    const auto timeout = std::chrono::seconds(start_timeout_seconds());
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    ServiceStatus status;
    while (true) {
        status = check_service(context, name);
        if (status.healthy) {
            std::cout << name << " is healthy"
                      << (status.gateway != "-" ? " (" + status.gateway + ")" : "") << '\n';
            return;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    std::string problems;
    for (const auto& problem : status.problems) {
        problems += "\n  " + problem;
    }
    fail(name + " is not healthy after " + std::to_string(timeout.count()) +
         " s (KRONOS_START_TIMEOUT):" + problems + "\nsee kronosctl logs " + name + " --errors");
}

// Returns the supervisor state of PROGRAM (RUNNING, STOPPED, FATAL ...), or empty when the
// supervisor does not respond.
std::string supervisor_state(const Context& context, const std::string& program) {
    ProcessOptions options;
    options.timeout = std::chrono::seconds(10);
    const auto result = run_process(context.supervisorctl({"status", program}), options);
    const auto states = parse_supervisor_status(result.output);
    const auto found = states.find(program);
    return found == states.end() ? std::string{} : found->second.state;
}

void restart_service(const Context& context, const std::string& name) {
    const auto compose = load_compose_file(context.compose_file());
    const auto* service = compose.find_service(name);
    if (context.mode == Mode::native) {
        require_native_stack(context);
        if (service != nullptr && service->one_shot) {
            fail(name + " is a one-shot job; run kronosctl migrate instead", 2);
        }
        // supervisorctl restart stops first, which prints "ERROR (not running)" for a stopped
        // program although the start then succeeds. A stopped program is therefore only started.
        const auto state = supervisor_state(context, name);
        const bool running = state == "RUNNING" || state == "STARTING";
        run_visible(context.supervisorctl({running ? "restart" : "start", name}),
                    std::chrono::minutes(2));
    } else {
        run_visible(context.compose({"restart", name}), std::chrono::minutes(2));
    }
    if (service != nullptr && service->one_shot) {
        return;
    }
    wait_until_healthy(context, name);
    // The services reconnect to a restarted data store on their own, a moment later. Until they
    // have, the stack is not back, so the restart waits for them too.
    if (name == "postgres" || name == "redis") {
        for (const auto& [other, port] : read_services_list(context.root)) {
            wait_until_healthy(context, other);
        }
    }
}

std::filesystem::path build_dir(const Context& context) {
    const char* text = std::getenv("KRONOS_BUILD_DIR");
    if (text != nullptr && *text != '\0') {
        std::filesystem::path path(text);
        return path.is_absolute() ? path : context.root / path;
    }
    return context.root / "build";
}

bool is_application_service(const Context& context, const std::string& name) {
    for (const auto& [service, port] : read_services_list(context.root)) {
        if (service == name) {
            return true;
        }
    }
    return false;
}

void rebuild(const Context& context, const std::string& name) {
    if (context.mode == Mode::compose) {
        std::vector<std::string> arguments{"up", "-d", "--build"};
        if (!name.empty()) {
            arguments.push_back(name);
        }
        run_visible(context.compose(arguments), std::chrono::minutes(60));
        return;
    }
    require_native_stack(context);
    if (!name.empty() && !is_application_service(context, name)) {
        // nginx, PostgreSQL and Redis come from Debian's packages: nothing of theirs is built
        // here, so a rebuild is a restart, as a Compose rebuild of an unchanged image is.
        std::cout << name << " is not built from this checkout; restarting it\n";
        restart_service(context, name);
        return;
    }
    const auto directory = build_dir(context);
    if (!std::filesystem::is_regular_file(directory / "CMakeCache.txt")) {
        fail(directory.string() +
             " is not a configured CMake build folder; run ./kronos up once, or set "
             "KRONOS_BUILD_DIR");
    }
    const char* jobs = std::getenv("KRONOS_BUILD_JOBS");
    std::vector<std::string> command{"cmake", "--build", directory.string(), "--parallel",
                                     jobs != nullptr && *jobs != '\0' ? jobs : "2"};
    if (!name.empty() && is_application_service(context, name)) {
        command.insert(command.end(), {"--target", "kronos-" + name});
    }
    run_visible(command, std::chrono::minutes(60));

    std::vector<std::string> targets;
    if (name.empty()) {
        for (const auto& [service, port] : read_services_list(context.root)) {
            targets.push_back(service);
        }
    } else {
        targets.push_back(name);
    }
    for (const auto& target : targets) {
        restart_service(context, target);
    }
}

// The nginx master's pid from STATE/run/nginx.pid, when that process is an nginx.
std::optional<int> nginx_master_pid(const Context& context) {
    std::ifstream file(context.state_dir / "run" / "nginx.pid");
    int pid = 0;
    if (!(file >> pid) || pid <= 1) {
        return std::nullopt;
    }
    std::ifstream command_line("/proc/" + std::to_string(pid) + "/cmdline");
    std::string text((std::istreambuf_iterator<char>(command_line)),
                     std::istreambuf_iterator<char>());
    if (text.find("nginx") == std::string::npos) {
        return std::nullopt;
    }
    return pid;
}

void reload_gateway(const Context& context) {
    std::string output;
    const bool valid = test_gateway_config(context, output);
    std::cout << output;
    if (!valid) {
        fail(
            "nginx rejected the configuration (nginx -t); the gateway keeps running with its "
            "previous configuration");
    }
    if (context.mode == Mode::compose) {
        run_visible(context.compose({"exec", "-T", "nginx", "nginx", "-s", "reload"}),
                    std::chrono::seconds(60));
        std::cout << "gateway reloaded\n";
        return;
    }
    if (const auto pid = nginx_master_pid(context)) {
        if (::kill(*pid, SIGHUP) != 0) {
            fail("could not send SIGHUP to nginx (pid " + std::to_string(*pid) +
                 "): " + std::strerror(errno));
        }
        std::cout << "sent SIGHUP to nginx master pid " << *pid << "; gateway reloaded\n";
        return;
    }
    if (supervisor_state(context, "nginx") != "RUNNING") {
        fail(
            "nginx is not running, so there is nothing to reload; start it with kronosctl "
            "restart nginx, which loads the configuration as it is now");
    }
    run_visible(context.supervisorctl({"signal", "HUP", "nginx"}), std::chrono::seconds(30));
    std::cout << "gateway reloaded\n";
}

void migrate(const Context& context, const std::string& only) {
    auto schemas = find_migration_schemas(context.root);
    if (!only.empty()) {
        if (std::find(schemas.begin(), schemas.end(), only) == schemas.end()) {
            std::string known;
            for (const auto& schema : schemas) {
                known += (known.empty() ? "" : ", ") + schema;
            }
            fail("no migrations/" + only + "/ folder; schemas with migrations: " + known, 2);
        }
        schemas = {only};
    }
    if (schemas.empty()) {
        fail("no schema folders under " + (context.root / "migrations").string());
    }

    if (context.mode == Mode::compose) {
        std::string list;
        for (const auto& schema : schemas) {
            list += (list.empty() ? "" : " ") + schema;
        }
        // The migrate image bootstraps the roles and runs alembic for each of KRONOS_SCHEMAS.
        run_visible(context.compose({"run", "--rm", "-e", "KRONOS_SCHEMAS=" + list, "migrate"}),
                    std::chrono::minutes(30));
        return;
    }

    require_native_stack(context);
    for (const auto& schema : schemas) {
        const auto env_file = context.state_dir / "env" / (schema + ".env");
        const auto values = read_env_file(env_file);
        const auto url = values.find("DATABASE_URL");
        if (url == values.end() || url->second.empty()) {
            fail("no DATABASE_URL in " + env_file.string() +
                 "; ./kronos up writes it for every service");
        }
        std::cout << "migrating schema " << schema << ": DATABASE_SCHEMA=" << schema
                  << " alembic upgrade head\n";
        run_visible({"alembic", "upgrade", "head"}, std::chrono::minutes(10),
                    {{"DATABASE_SCHEMA", schema}, {"DATABASE_URL", url->second}}, context.root);
    }
}

}  // namespace

std::vector<std::string> find_migration_schemas(const std::filesystem::path& root) {
    std::vector<std::string> schemas;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(root / "migrations", error)) {
        const auto name = entry.path().filename().string();
        if (entry.is_directory() && !name.starts_with(".") && !name.starts_with("__")) {
            schemas.push_back(name);
        }
    }
    std::sort(schemas.begin(), schemas.end());
    return schemas;
}

bool test_gateway_config(const Context& context, std::string& output) {
    ProcessOptions options;
    options.timeout = std::chrono::seconds(60);
    options.merge_stderr = true;
    ProcessResult result;
    if (context.mode == Mode::compose) {
        result = run_process(context.compose({"exec", "-T", "nginx", "nginx", "-t"}), options);
    } else {
        const auto prefix = context.state_dir / "nginx";
        if (!std::filesystem::is_regular_file(prefix / "nginx.conf")) {
            output = "no " + (prefix / "nginx.conf").string() +
                     "; ./kronos up writes the gateway configuration\n";
            return false;
        }
        // libmodsecurity resolves relative Include paths from the working directory.
        options.working_directory = prefix;
        result = run_process(
            {"nginx", "-t", "-p", prefix.string() + "/", "-c", (prefix / "nginx.conf").string()},
            options);
    }
    output = result.error.empty() ? result.output : result.error + "\n";
    return result.succeeded();
}

void add_operation_commands(CLI::App& app) {
    auto options = std::make_shared<ContextOptions>();

    auto service = std::make_shared<std::string>();
    auto* restart = app.add_subcommand(
        "restart",
        "Restart one service and wait until it is healthy (the runbook's docker-compose restart)");
    add_context_options(*restart, *options);
    restart->add_option("service", *service, "Service of docker-compose.yml")->required();
    restart->callback([options, service] {
        const auto context = load_or_fail(*options);
        require_service(context, *service);
        restart_service(context, *service);
    });

    auto rebuild_target = std::make_shared<std::string>();
    auto* rebuild_command =
        app.add_subcommand("rebuild",
                           "Build and restart one service or all (native: cmake --build; Compose: "
                           "docker compose up -d --build)");
    add_context_options(*rebuild_command, *options);
    rebuild_command->add_option("service", *rebuild_target,
                                "Service of docker-compose.yml; every service when omitted");
    rebuild_command->callback([options, rebuild_target] {
        const auto context = load_or_fail(*options);
        if (!rebuild_target->empty()) {
            require_service(context, *rebuild_target);
        }
        rebuild(context, *rebuild_target);
    });

    auto* reload = app.add_subcommand(
        "reload-gateway", "Check the nginx configuration with nginx -t, then reload the gateway");
    add_context_options(*reload, *options);
    reload->callback([options] {
        const auto context = load_or_fail(*options);
        if (context.mode == Mode::native) {
            require_native_stack(context);
        }
        reload_gateway(context);
    });

    auto schema = std::make_shared<std::string>();
    auto* migrate_command = app.add_subcommand("migrate",
                                               "Run DATABASE_SCHEMA=<schema> alembic upgrade head "
                                               "for one schema or every migrations/<schema>/");
    add_context_options(*migrate_command, *options);
    migrate_command->add_option("--schema", *schema,
                                "Schema to migrate (a folder under migrations/); all when omitted");
    migrate_command->callback([options, schema] {
        const auto context = load_or_fail(*options);
        migrate(context, *schema);
    });
}

}  // namespace kronosctl
