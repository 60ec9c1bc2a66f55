// `kronosctl doctor`: the runbook's troubleshooting table, executed. For every service it probes
// the gateway (/health, /ready) and the service's own port and reads the process state. It
// compares the gateway's upstreams with where the services listen and reads the WAF blocks from
// the nginx error log. It prints each likely cause with its evidence and fix, and exits 1 when
// it found one.

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "context.hpp"
#include "doctor_rules.hpp"
#include "http_probe.hpp"
#include "process.hpp"

namespace fs = std::filesystem;

namespace kronosctl {

namespace {

using doctor::Finding;
using doctor::Probe;

struct DoctorOptions {
    ContextOptions context;
    int read_timeout_seconds = 3;
    int waf_window_minutes = 60;
};

// Bytes read from the end of the nginx error log, where the recent WAF blocks are.
constexpr std::streamoff kMaxLogBytes = 4 << 20;

// True when 127.0.0.1:port accepts a TCP connection within `timeout`.
bool accepts_connections(int port, std::chrono::milliseconds timeout) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return false;
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool connected =
        ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    if (!connected && errno == EINPROGRESS) {
        pollfd poll_fd{fd, POLLOUT, 0};
        if (::poll(&poll_fd, 1, static_cast<int>(timeout.count())) == 1) {
            int error = 0;
            socklen_t length = sizeof error;
            connected = ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0;
        }
    }
    ::close(fd);
    return connected;
}

Probe probe(const std::string& url, std::chrono::milliseconds read_timeout) {
    HttpProbeOptions options;
    options.connect_timeout = std::chrono::seconds(2);
    options.read_timeout = read_timeout;
    options.max_body_bytes = 64 * 1024;
    const HttpResponse response = http_get(url, options);
    Probe result;
    result.url = url;
    result.status = response.received() ? response.status : 0;
    result.body = response.body;
    result.error = response.error;
    result.connected =
        response.received() || response.error.find("connecting") == std::string::npos;
    result.timed_out = !response.received() && result.connected &&
                       response.error.find("timed out") != std::string::npos;
    return result;
}

std::string read_tail(const fs::path& path, std::streamoff max_bytes) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) {
        return {};
    }
    const std::streamoff size = in.tellg();
    const std::streamoff start = size > max_bytes ? size - max_bytes : 0;
    in.seekg(start);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Local rule ids for exclusions start here, above the ids modsecurity_custom.conf ships with.
constexpr int kFirstExclusionId = 10900;

std::string read_all(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// nginx writes its error log in local time as "YYYY/MM/DD HH:MM:SS".
std::string nginx_time_minutes_ago(int minutes) {
    const std::time_t then = std::time(nullptr) - static_cast<std::time_t>(minutes) * 60;
    std::tm local{};
    ::localtime_r(&then, &local);
    char text[32];
    std::strftime(text, sizeof text, "%Y/%m/%d %H:%M:%S", &local);
    return text;
}

// `docker-compose logs` prefixes each line with "container | "; the nginx line starts at its
// timestamp.
std::string strip_compose_prefixes(const std::string& text) {
    static const std::regex timestamp(R"([0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:)");
    std::istringstream lines(text);
    std::string out;
    for (std::string line; std::getline(lines, line);) {
        std::smatch match;
        if (std::regex_search(line, match, timestamp)) {
            out += line.substr(static_cast<std::size_t>(match.position(0)));
            out += '\n';
        }
    }
    return out;
}

std::string native_process_state(const Context& context, const std::string& program) {
    ProcessOptions options;
    options.timeout = std::chrono::seconds(10);
    const ProcessResult result = run_process(context.supervisorctl({"status", program}), options);
    return doctor::supervisor_state(result.output);
}

std::string compose_process_state(const Context& context, const std::string& service) {
    ProcessOptions options;
    options.timeout = std::chrono::seconds(20);
    const ProcessResult result = run_process(context.compose({"ps", service}), options);
    if (!result.succeeded()) {
        return {};
    }
    if (result.output.find(" Up") != std::string::npos ||
        result.output.find("running") != std::string::npos) {
        return "RUNNING";
    }
    return result.output.find(service) != std::string::npos ? "EXITED" : "STOPPED";
}

// Compose services and the PORT each sets, for the upstream comparison.
std::map<std::string, int> compose_ports(const fs::path& compose_file) {
    std::map<std::string, int> ports;
    const YAML::Node services = YAML::LoadFile(compose_file.string())["services"];
    for (const auto& entry : services) {
        const YAML::Node environment = entry.second["environment"];
        if (!environment || !environment.IsMap()) {
            continue;  // nginx, postgres and redis set no PORT
        }
        const YAML::Node port = environment["PORT"];
        if (port) {
            ports[entry.first.as<std::string>()] = std::stoi(port.as<std::string>());
        }
    }
    return ports;
}

void print_finding(const Finding& finding) {
    std::cout << "PROBLEM " << finding.subject << ": " << finding.cause << "\n";
    for (const auto& line : finding.evidence) {
        std::cout << "  evidence: " << line << "\n";
    }
    for (const auto& line : finding.fixes) {
        std::cout << "  fix:      " << as_invoked(line) << "\n";
    }
}

std::vector<Finding> check_services(
    const Context& context, const std::vector<std::pair<std::string, unsigned short>>& services,
    const DoctorOptions& options, bool gateway_up) {
    const bool native = context.mode == Mode::native;
    const std::string gateway = "http://127.0.0.1:" + std::to_string(context.gateway_http_port());
    const auto read_timeout = std::chrono::seconds(options.read_timeout_seconds);

    std::vector<Finding> findings;
    for (const auto& [name, listed_port] : services) {
        doctor::ServiceEvidence evidence;
        evidence.name = name;
        evidence.port = native ? context.service_port(name) : listed_port;
        evidence.process_state =
            native ? native_process_state(context, name) : compose_process_state(context, name);

        if (native) {
            const std::string url =
                "http://127.0.0.1:" + std::to_string(evidence.port) + "/api/v1/" + name + "/health";
            evidence.direct_health = probe(url, read_timeout);
            evidence.direct_health.connected =
                evidence.direct_health.status != 0 ||
                accepts_connections(evidence.port, std::chrono::seconds(1));
            evidence.direct_health.timed_out =
                evidence.direct_health.connected && evidence.direct_health.status == 0 &&
                evidence.direct_health.error.find("timed out") != std::string::npos;
        }

        // A service that accepts connections but does not answer would hold the gateway's probe
        // for its whole proxy_read_timeout, so the gateway is not asked about it.
        if (gateway_up && !evidence.direct_health.timed_out) {
            evidence.gateway_health = probe(gateway + "/api/v1/" + name + "/health", read_timeout);
            evidence.gateway_ready = probe(gateway + "/api/v1/" + name + "/ready", read_timeout);
        }

        auto found = doctor::diagnose_service(evidence, native);
        if (found.empty() && !evidence.gateway_health && !native) {
            std::cout << "skip    " << name
                      << ": not probed; the gateway does not answer and Compose services have no "
                         "port on this host\n";
        } else if (found.empty() && !evidence.gateway_health) {
            std::cout << "ok      " << name << ": port " << evidence.port
                      << " answers; not checked through the gateway\n";
        } else if (found.empty()) {
            std::cout << "ok      " << name << ": health "
                      << (evidence.gateway_health ? evidence.gateway_health->status : 0)
                      << ", ready " << (evidence.gateway_ready ? evidence.gateway_ready->status : 0)
                      << " via the gateway";
            if (native) {
                std::cout << "; port " << evidence.port << " answers";
            }
            std::cout << "\n";
        }
        findings.insert(findings.end(), found.begin(), found.end());
    }
    return findings;
}

// Checks that the native stack's supervisor responds. Without it nothing of the stack runs, so
// every other check would only repeat this one problem.
std::optional<Finding> check_supervisor(const Context& context) {
    ProcessOptions options;
    options.timeout = std::chrono::seconds(10);
    options.merge_stderr = true;
    const ProcessResult result = run_process(context.supervisorctl({"pid"}), options);
    std::string output = result.output;
    while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) {
        output.pop_back();
    }
    const bool answered = !output.empty() && std::all_of(output.begin(), output.end(), [](char c) {
        return c >= '0' && c <= '9';
    });
    if (answered) {
        return std::nullopt;
    }
    return Finding{"stack",
                   "the native stack is not running",
                   {"supervisorctl pid: " + (output.empty() ? std::string("no answer") : output)},
                   {"start it: ./kronos up"}};
}

// Checks that docker-compose can list the containers. Without an engine, or with a .env that
// lacks a secret, it cannot, and its last output lines give the reason.
std::optional<Finding> check_compose_engine(const Context& context) {
    ProcessOptions options;
    options.timeout = std::chrono::seconds(30);
    options.merge_stderr = true;
    const ProcessResult result = run_process(context.compose({"ps"}), options);
    if (result.succeeded()) {
        return std::nullopt;
    }
    std::vector<std::string> lines;
    std::istringstream stream(result.output);
    for (std::string line; std::getline(stream, line);) {
        if (!line.empty()) {
            lines.push_back(line);
        }
    }
    Finding finding{"compose",
                    "docker-compose cannot list the containers",
                    {},
                    {"check that the container engine runs (docker info)",
                     "check that .env exists with every secret (cp .env.example .env, or "
                     "deploy/docker/generate-env.sh)"}};
    const std::size_t first = lines.size() > 2 ? lines.size() - 2 : 0;
    for (std::size_t i = first; i < lines.size(); ++i) {
        finding.evidence.push_back(lines[i]);
    }
    if (finding.evidence.empty()) {
        finding.evidence.push_back("docker-compose ps failed without output");
    }
    return finding;
}

// The gateway's own process and port. When it does not accept connections, probing the routes
// through it would blame every service for the gateway's fault.
std::optional<Finding> check_gateway(const Context& context) {
    const int port = context.gateway_http_port();
    if (accepts_connections(port, std::chrono::seconds(2))) {
        return std::nullopt;
    }
    const bool native = context.mode == Mode::native;
    const std::string state =
        native ? native_process_state(context, "nginx") : compose_process_state(context, "nginx");
    Finding finding{"gateway",
                    state.empty() || state == "RUNNING" ? "gateway does not accept connections"
                                                        : "gateway not running",
                    {"nothing accepts connections on 127.0.0.1:" + std::to_string(port)},
                    {}};
    if (!state.empty()) {
        finding.evidence.push_back("nginx process state " + state);
    }
    if (native) {
        finding.fixes.push_back("kronosctl restart nginx");
        finding.fixes.push_back("if it does not start: kronosctl logs nginx --errors");
    } else {
        finding.fixes.push_back("docker-compose up -d nginx, then docker-compose logs nginx");
    }
    return finding;
}

std::vector<Finding> check_datastores(const Context& context) {
    std::vector<Finding> findings;
    const bool native = context.mode == Mode::native;
    const std::pair<const char*, const char*> stores[] = {{"postgres", "PostgreSQL"},
                                                          {"redis", "Redis"}};
    for (const auto& [program, title] : stores) {
        const std::string state = native ? native_process_state(context, program)
                                         : compose_process_state(context, program);
        if (!state.empty() && state != "RUNNING") {
            findings.push_back({program,
                                std::string(title) + " not running",
                                {"process state " + state},
                                {"kronosctl restart " + std::string(program)}});
        }
    }
    return findings;
}

std::vector<Finding> check_gateway_upstreams(
    const Context& context, const std::vector<std::pair<std::string, unsigned short>>& services) {
    std::map<std::string, doctor::ExpectedAddress> expected;
    fs::path file;
    if (context.mode == Mode::native) {
        file = context.state_dir / "nginx/runtime/http.conf";
        for (const auto& [name, port] : services) {
            expected[name] = {{"127.0.0.1", "localhost"}, context.service_port(name)};
        }
    } else {
        file = context.root / "nginx/runtime-compose/http.conf";
        std::map<std::string, int> ports;
        try {
            ports = compose_ports(context.compose_file());
        } catch (const std::exception& error) {
            return {{"gateway",
                     "cannot compare upstreams with docker-compose.yml",
                     {std::string("docker-compose.yml: ") + error.what()},
                     {"fix docker-compose.yml"}}};
        }
        for (const auto& [name, port] : services) {
            const auto found = ports.find(name);
            expected[name] = {{name}, found == ports.end() ? 0 : found->second};
        }
    }
    if (!fs::exists(file)) {
        return {{"gateway",
                 "gateway configuration missing",
                 {file.string() + " not found"},
                 {context.mode == Mode::native ? "./kronos up writes it" : "restore it from git"}}};
    }
    return doctor::check_upstreams(doctor::parse_upstreams(read_all(file), file.string()),
                                   expected);
}

std::vector<Finding> check_waf(const Context& context, const DoctorOptions& options) {
    std::string log;
    std::string source;
    if (context.mode == Mode::native) {
        const fs::path path = context.logs_dir() / "nginx-error.log";
        log = read_tail(path, kMaxLogBytes);
        source = path.string();
    } else {
        ProcessOptions process_options;
        process_options.timeout = std::chrono::seconds(30);
        process_options.merge_stderr = true;
        const ProcessResult result = run_process(
            context.compose({"logs", "--no-color", "--tail", "5000", "nginx"}), process_options);
        log = strip_compose_prefixes(result.output);
        source = "docker-compose logs nginx";
    }
    // Each suggested exclusion gets an id that modsecurity_custom.conf does not use yet, and a
    // path blocked by the same rules again is reported once, with the count.
    std::set<int> used_ids;
    static const std::regex rule_id(R"(\bid:([0-9]+))");
    const std::string custom = read_all(context.root / "nginx/modsecurity_custom.conf");
    for (std::sregex_iterator it(custom.begin(), custom.end(), rule_id), end; it != end; ++it) {
        used_ids.insert(std::stoi((*it)[1].str()));
    }
    int next_id = kFirstExclusionId;
    std::map<std::string, std::size_t> seen;
    std::vector<Finding> findings;
    for (const auto& block :
         doctor::parse_waf_blocks(log, nginx_time_minutes_ago(options.waf_window_minutes))) {
        std::string path = block.uri.substr(0, block.uri.find('?'));
        std::string key = path;
        for (const auto& id : block.rule_ids) {
            key += " " + id;
        }
        if (const auto found = seen.find(key); found != seen.end()) {
            findings[found->second].evidence.insert(findings[found->second].evidence.end() - 1,
                                                    "the same rules blocked it again at " +
                                                        block.time + ", request id " +
                                                        block.request_id);
            continue;
        }
        while (used_ids.contains(next_id)) {
            ++next_id;
        }
        Finding finding = doctor::diagnose_waf_block(block, next_id);
        used_ids.insert(next_id);
        finding.evidence.push_back("from " + source);
        seen[key] = findings.size();
        findings.push_back(std::move(finding));
    }
    return findings;
}

void run_doctor(const DoctorOptions& options) {
    Context context;
    try {
        context = load_context(options.context);
    } catch (const std::exception& error) {
        std::cerr << "kronosctl doctor: error: " << error.what() << "\n";
        throw CLI::RuntimeError(2);
    }
    if (context.mode == Mode::native && !context.native_stack_exists()) {
        std::cerr << "kronosctl doctor: error: " << context.missing_native_stack() << "\n";
        throw CLI::RuntimeError(3);
    }
    const auto services = read_services_list(context.root);
    std::cout << "doctor: " << mode_name(context.mode) << " mode, " << services.size()
              << " services\n";

    const auto unreachable =
        context.mode == Mode::native ? check_supervisor(context) : check_compose_engine(context);
    if (unreachable) {
        print_finding(*unreachable);
        std::cout << "doctor: 1 problem(s) found\n";
        throw CLI::RuntimeError(1);
    }

    std::vector<Finding> findings = check_datastores(context);
    const auto gateway_down = check_gateway(context);
    if (gateway_down) {
        findings.push_back(*gateway_down);
    }
    auto more = check_gateway_upstreams(context, services);
    findings.insert(findings.end(), more.begin(), more.end());
    more = check_services(context, services, options, !gateway_down);
    findings.insert(findings.end(), more.begin(), more.end());
    more = check_waf(context, options);
    findings.insert(findings.end(), more.begin(), more.end());

    // A wrong gateway address also makes the route fail. The address finding already names the
    // cause with its file and line, so the route's failure is left out.
    std::set<std::string> wrong_address;
    for (const auto& finding : findings) {
        if (finding.cause == "wrong internal URL") {
            wrong_address.insert(finding.subject);
        }
    }
    std::erase_if(findings, [&](const Finding& finding) {
        return finding.cause == "gateway cannot reach the service" &&
               wrong_address.contains(finding.subject);
    });

    for (const auto& finding : findings) {
        print_finding(finding);
    }
    if (!findings.empty()) {
        std::cout << "doctor: " << findings.size() << " problem(s) found\n";
        throw CLI::RuntimeError(1);
    }
    std::cout << "doctor: no problem found\n";
}

}  // namespace

void add_doctor_command(CLI::App& app) {
    auto options = std::make_shared<DoctorOptions>();
    auto* command = app.add_subcommand(
        "doctor",
        "Probe every service through the gateway and directly, and name the likely cause of each "
        "problem with its evidence and fix (the runbook's troubleshooting table). Exits 1 when it "
        "finds one.");
    add_context_options(*command, options->context);
    command
        ->add_option("--read-timeout", options->read_timeout_seconds,
                     "seconds to wait for a response once connected; longer means unresponsive")
        ->capture_default_str()
        ->check(CLI::Range(1, 60));
    command
        ->add_option("--waf-minutes", options->waf_window_minutes,
                     "report WAF blocks from the last this many minutes of the nginx error log")
        ->capture_default_str()
        ->check(CLI::Range(1, 7 * 24 * 60));
    command->callback([options] { run_doctor(*options); });
}

}  // namespace kronosctl
