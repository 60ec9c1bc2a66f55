#include "status.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/json.hpp>
#include <iostream>
#include <regex>
#include <sstream>

#include "commands.hpp"
#include "compose_model.hpp"
#include "http_probe.hpp"
#include "process.hpp"

namespace kronosctl {
namespace {

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

std::string json_string(const boost::json::object& object, std::string_view key) {
    const auto* value = object.if_contains(key);
    if (value == nullptr) {
        return {};
    }
    if (value->is_string()) {
        return std::string(value->as_string());
    }
    if (value->is_int64()) {
        return std::to_string(value->as_int64());
    }
    return {};
}

void add_compose_entry(const boost::json::value& value,
                       std::map<std::string, ProcessState>& states) {
    if (!value.is_object()) {
        return;
    }
    const auto& object = value.as_object();
    ProcessState state;
    state.state = json_string(object, "State");
    state.description = json_string(object, "Status");
    state.health = json_string(object, "Health");
    if (const auto* code = object.if_contains("ExitCode"); code != nullptr && code->is_int64()) {
        state.exit_code = static_cast<int>(code->as_int64());
    }
    auto name = json_string(object, "Service");
    if (name.empty()) {
        name = json_string(object, "Name");
    }
    if (!name.empty()) {
        states[name] = state;
    }
}

struct Probe {
    int health = 0;
    int ready = 0;
    std::string error;

    bool ok() const { return health == 200 && ready == 200; }
    std::string describe() const {
        if (!error.empty()) {
            return error;
        }
        return "health " + std::to_string(health) + ", ready " + std::to_string(ready);
    }
};

Probe probe_service(unsigned short port, const std::string& service) {
    Probe probe;
    const std::string base = "http://127.0.0.1:" + std::to_string(port) + "/api/v1/" + service;
    const auto health = http_get(base + "/health");
    if (!health.received()) {
        probe.error = health.error;
        return probe;
    }
    probe.health = health.status;
    const auto ready = http_get(base + "/ready");
    if (!ready.received()) {
        probe.error = ready.error;
        return probe;
    }
    probe.ready = ready.status;
    return probe;
}

// The first line of a /ready problem body names the failing check; it is short enough to show.
std::string ready_detail(unsigned short port, const std::string& service) {
    const auto ready =
        http_get("http://127.0.0.1:" + std::to_string(port) + "/api/v1/" + service + "/ready");
    if (!ready.received() || ready.status == 200) {
        return {};
    }
    auto body = ready.body.substr(0, 300);
    std::replace(body.begin(), body.end(), '\n', ' ');
    return body;
}

bool is_application_service(const Context& context, const std::string& name) {
    for (const auto& [service, port] : read_services_list(context.root)) {
        if (service == name) {
            return true;
        }
    }
    return false;
}

ServiceStatus native_status(const Context& context, const ComposeService& service,
                            const std::map<std::string, ProcessState>& states) {
    ServiceStatus status;
    status.name = service.name;
    status.gateway = "-";
    status.direct = "-";
    const auto gateway_port = context.gateway_http_port();

    if (service.one_shot) {
        // The native stack runs the migrations inside `./kronos up`, before starting services.
        const auto log = context.logs_dir() / "migrations.log";
        if (std::filesystem::exists(log)) {
            status.process = "completed (./kronos up)";
            status.healthy = true;
        } else {
            status.process = "not run";
            status.problems.push_back("no " + log.string() +
                                      ": the migrations have not run in this state");
        }
        return status;
    }

    const auto found = states.find(service.name);
    const bool running = found != states.end() && found->second.state == "RUNNING";
    status.process = found == states.end()
                         ? "UNKNOWN"
                         : trim(found->second.state + " " + found->second.description);
    if (!running) {
        status.problems.push_back("process is " + (found == states.end()
                                                       ? std::string("not known to supervisord")
                                                       : found->second.state));
    }

    if (service.name == "nginx") {
        const auto response = http_get("http://127.0.0.1:" + std::to_string(gateway_port) + "/");
        status.gateway = response.received() ? ":" + std::to_string(gateway_port) + " answers " +
                                                   std::to_string(response.status)
                                             : response.error;
        if (!response.received()) {
            status.problems.push_back("gateway does not answer: " + response.error);
        }
    } else if (service.name == "postgres") {
        const auto port = context.setting("KRONOS_PG_PORT", "15432");
        ProcessOptions options;
        options.timeout = std::chrono::seconds(5);
        const auto check =
            run_process({"pg_isready", "-q", "-h", "127.0.0.1", "-p", port, "-t", "2"}, options);
        status.direct = ":" + port +
                        (check.succeeded() ? " accepts connections" : " not accepting connections");
        if (!check.succeeded()) {
            status.problems.push_back("pg_isready failed on 127.0.0.1:" + port +
                                      (check.error.empty() ? "" : " (" + check.error + ")"));
        }
    } else if (service.name == "redis") {
        const auto port = context.setting("KRONOS_REDIS_PORT", "16379");
        ProcessOptions options;
        options.timeout = std::chrono::seconds(5);
        options.merge_stderr = true;
        // Without the password Redis replies NOAUTH, which shows that it serves.
        const auto check =
            run_process({"redis-cli", "-h", "127.0.0.1", "-p", port, "ping"}, options);
        const bool answers = check.error.empty() && !check.timed_out &&
                             (check.output.find("PONG") != std::string::npos ||
                              check.output.find("NOAUTH") != std::string::npos);
        status.direct = ":" + port + (answers ? " answers PING" : " no PING answer");
        if (!answers) {
            status.problems.push_back("no PING answer from Redis on 127.0.0.1:" + port);
        }
    } else {
        const auto gateway = probe_service(gateway_port, service.name);
        status.gateway = gateway.describe();
        if (!gateway.ok()) {
            status.problems.push_back("via the gateway: " + gateway.describe());
        }
        const auto port = context.service_port(service.name);
        if (port == 0) {
            status.direct = "no port known";
            status.problems.push_back("no port for " + service.name +
                                      " in stack.env or deploy/services.list");
        } else {
            const auto direct = probe_service(port, service.name);
            status.direct = ":" + std::to_string(port) + " " + direct.describe();
            if (!direct.ok()) {
                status.problems.push_back("on port " + std::to_string(port) + ": " +
                                          direct.describe());
                if (const auto detail = ready_detail(port, service.name); !detail.empty()) {
                    status.problems.push_back("/ready: " + detail);
                }
            }
        }
    }
    status.healthy = status.problems.empty();
    return status;
}

ServiceStatus compose_status(const Context& context, const ComposeService& service,
                             const std::map<std::string, ProcessState>& states) {
    ServiceStatus status;
    status.name = service.name;
    status.gateway = "-";
    status.direct = "-";
    const auto found = states.find(service.name);
    if (found == states.end()) {
        status.process = "no container";
        status.problems.push_back("no container; start it with docker compose up -d " +
                                  service.name);
        return status;
    }
    const auto& state = found->second;
    status.process = state.state + (state.exit_code && state.state == "exited"
                                        ? " (" + std::to_string(*state.exit_code) + ")"
                                        : "");

    if (service.one_shot) {
        if (state.state == "exited" && state.exit_code.value_or(-1) == 0) {
            status.process = "completed (exit 0)";
        } else if (state.state == "exited") {
            status.problems.push_back("exited with status " +
                                      std::to_string(state.exit_code.value_or(-1)) +
                                      "; see docker compose logs " + service.name);
        } else {
            status.problems.push_back("still " + state.state);
        }
        status.healthy = status.problems.empty();
        return status;
    }

    if (state.state != "running") {
        status.problems.push_back("container is " + state.state);
    }
    status.direct = state.health.empty() ? "no healthcheck" : "healthcheck " + state.health;
    if (service.has_healthcheck && !service.healthcheck_disabled && state.health != "healthy") {
        status.problems.push_back("Docker healthcheck is " +
                                  (state.health.empty() ? std::string("unknown") : state.health));
    }
    if (is_application_service(context, service.name)) {
        const auto gateway = probe_service(context.gateway_http_port(), service.name);
        status.gateway = gateway.describe();
        if (!gateway.ok()) {
            status.problems.push_back("via the gateway: " + gateway.describe());
        }
    }
    status.healthy = status.problems.empty();
    return status;
}

}  // namespace

std::map<std::string, ProcessState> parse_supervisor_status(const std::string& output) {
    std::map<std::string, ProcessState> states;
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string name;
        std::string state;
        if (!(fields >> name >> state)) {
            continue;
        }
        // Error lines such as "unix:///...sock no such file" are not program states.
        if (state.empty() ||
            !std::all_of(state.begin(), state.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
            continue;
        }
        std::string rest;
        std::getline(fields, rest);
        states[name] = ProcessState{state, trim(rest), {}, std::nullopt};
    }
    return states;
}

std::map<std::string, ProcessState> parse_compose_ps(const std::string& output,
                                                     std::string& error) {
    std::map<std::string, ProcessState> states;
    const auto text = trim(output);
    if (text.empty()) {
        return states;
    }
    boost::system::error_code code;
    if (text.front() == '[') {
        const auto value = boost::json::parse(text, code);
        if (code) {
            error = "invalid JSON from docker compose ps: " + code.message();
            return states;
        }
        for (const auto& entry : value.as_array()) {
            add_compose_entry(entry, states);
        }
        return states;
    }
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (trim(line).empty()) {
            continue;
        }
        const auto value = boost::json::parse(line, code);
        if (code) {
            error = "invalid JSON line from docker compose ps: " + code.message();
            return states;
        }
        add_compose_entry(value, states);
    }
    return states;
}

std::map<std::string, ProcessState> parse_compose_v1_ps(const std::string& output,
                                                        const std::vector<std::string>& services) {
    // docker-compose 1.29 writes State as "Up", "Up (healthy)", "Up (health: starting)",
    // "Exit 0", "Restarting" and the like, with at least two spaces around the column.
    static const std::regex state_column(
        R"(\s{2,}(Up|Exit (-?\d+)|Restarting|Paused|Created|Dead|Removing)(?: \((healthy|unhealthy|health: starting)\))?(?:\s{2,}|\s*$))");
    std::map<std::string, ProcessState> states;
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string container;
        if (!(fields >> container)) {
            continue;
        }
        std::smatch match;
        if (!std::regex_search(line, match, state_column)) {
            continue;  // the header, the dashes and wrapped lines
        }
        std::string service;
        for (const auto& name : services) {
            static const std::regex index_suffix(R"(_\d+$)");
            const auto prefix = "_" + name;
            const auto position = container.rfind(prefix);
            if (position == std::string::npos || name.size() <= service.size()) {
                continue;
            }
            const auto rest = container.substr(position + prefix.size());
            if (std::regex_match(rest, index_suffix)) {
                service = name;
            }
        }
        if (service.empty()) {
            continue;
        }
        ProcessState state;
        const std::string word = match[1].str();
        if (word == "Up") {
            state.state = "running";
        } else if (match[2].matched) {
            state.state = "exited";
            state.exit_code = std::stoi(match[2].str());
        } else {
            state.state = word;
            std::transform(state.state.begin(), state.state.end(), state.state.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        }
        if (match[3].matched) {
            state.health = match[3].str() == "health: starting" ? "starting" : match[3].str();
        }
        state.description = trim(match[0].str());
        states[service] = state;
    }
    return states;
}

StatusReport collect_status_of(const Context& context, const std::string& only);

bool StatusReport::all_healthy() const {
    return fatal_error.empty() &&
           std::all_of(services.begin(), services.end(),
                       [](const ServiceStatus& service) { return service.healthy; });
}

StatusReport collect_status(const Context& context) {
    return collect_status_of(context, {});
}

ServiceStatus check_service(const Context& context, const std::string& name) {
    const auto report = collect_status_of(context, name);
    if (!report.fatal_error.empty() || report.services.empty()) {
        ServiceStatus status;
        status.name = name;
        status.problems.push_back(report.fatal_error.empty() ? "not a service of docker-compose.yml"
                                                             : report.fatal_error);
        return status;
    }
    return report.services.front();
}

StatusReport collect_status_of(const Context& context, const std::string& only) {
    StatusReport report;
    const auto compose = load_compose_file(context.compose_file());
    if (!compose.error.empty()) {
        report.fatal_error = compose.error;
        return report;
    }

    std::map<std::string, ProcessState> states;
    ProcessOptions options;
    options.timeout = std::chrono::seconds(20);
    if (context.mode == Mode::native) {
        if (!context.native_stack_exists()) {
            report.fatal_error = context.missing_native_stack();
            return report;
        }
        const auto result = run_process(context.supervisorctl({"status"}), options);
        states = parse_supervisor_status(result.output);
        if (!result.error.empty() || states.empty()) {
            report.fatal_error =
                "the native stack in " + context.state_dir.string() +
                " is not running (supervisorctl status: " +
                trim(result.error.empty() ? result.output + result.error_output : result.error) +
                "); start it with ./kronos up";
            return report;
        }
    } else {
        const auto command = context.compose_v1()
                                 ? context.compose({"ps", "-a"})
                                 : context.compose({"ps", "-a", "--format", "json"});
        const auto result = run_process(command, options);
        if (!result.succeeded()) {
            // docker-compose 1.x reports a missing engine with a long Python traceback. The
            // reason is in its last lines, so only those are kept.
            std::string output =
                trim(result.error.empty() ? result.error_output + result.output : result.error);
            std::size_t cut = output.size();
            for (int kept = 0; kept < 2 && cut != std::string::npos && cut > 0; ++kept) {
                cut = output.rfind('\n', cut - 1);
            }
            if (cut != std::string::npos && cut < output.size()) {
                output = "..." + output.substr(cut);
            }
            report.fatal_error = describe_command(command) + " failed: " + output +
                                 "\nIs the container engine running (docker info), and does .env "
                                 "hold every secret?";
            return report;
        }
        if (context.compose_v1()) {
            std::vector<std::string> names;
            for (const auto& service : compose.services) {
                names.push_back(service.name);
            }
            states = parse_compose_v1_ps(result.output, names);
        } else {
            std::string error;
            states = parse_compose_ps(result.output, error);
            if (!error.empty()) {
                report.fatal_error = error;
                return report;
            }
        }
    }

    for (const auto& service : compose.services) {
        if (!only.empty() && service.name != only) {
            continue;
        }
        report.services.push_back(context.mode == Mode::native
                                      ? native_status(context, service, states)
                                      : compose_status(context, service, states));
    }
    return report;
}

std::string format_status_table(const StatusReport& report) {
    std::vector<std::array<std::string, 5>> rows;
    rows.push_back({"SERVICE", "PROCESS", "GATEWAY", "DIRECT", "RESULT"});
    for (const auto& service : report.services) {
        rows.push_back({service.name, service.process, service.gateway, service.direct,
                        service.healthy ? "healthy" : "UNHEALTHY"});
    }
    std::array<std::size_t, 5> widths{};
    for (const auto& row : rows) {
        for (std::size_t column = 0; column < row.size(); ++column) {
            widths[column] = std::max(widths[column], row[column].size());
        }
    }
    std::ostringstream table;
    for (const auto& row : rows) {
        for (std::size_t column = 0; column < row.size(); ++column) {
            table << row[column];
            if (column + 1 < row.size()) {
                table << std::string(widths[column] - row[column].size() + 2, ' ');
            }
        }
        table << '\n';
    }
    bool first = true;
    for (const auto& service : report.services) {
        for (const auto& problem : service.problems) {
            if (first) {
                table << '\n';
                first = false;
            }
            table << service.name << ": " << problem << '\n';
        }
    }
    return table.str();
}

void add_status_command(CLI::App& app) {
    auto options = std::make_shared<ContextOptions>();
    auto* command = app.add_subcommand(
        "status",
        "Show every service's process state and health (the runbook's docker-compose ps)");
    add_context_options(*command, *options);
    command->callback([options] {
        Context context;
        try {
            context = load_context(*options);
        } catch (const std::exception& error) {
            std::cerr << "kronosctl: " << error.what() << '\n';
            throw CLI::RuntimeError(2);
        }
        const auto report = collect_status(context);
        if (!report.fatal_error.empty()) {
            std::cerr << "kronosctl: " << report.fatal_error << '\n';
            throw CLI::RuntimeError(3);
        }
        std::cout << "Kronos " << mode_name(context.mode) << " stack"
                  << (context.mode == Mode::native ? " in " + context.state_dir.string()
                                                   : std::string())
                  << "\n\n";
        std::cout << format_status_table(report);
        if (!report.all_healthy()) {
            std::cout << as_invoked("\nUnhealthy: see kronosctl logs <service> --errors\n");
            throw CLI::RuntimeError(1);
        }
    });
}

}  // namespace kronosctl
