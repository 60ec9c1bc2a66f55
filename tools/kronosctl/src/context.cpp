#include "context.hpp"

#include <CLI/CLI.hpp>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "process.hpp"

namespace kronosctl {
namespace {

unsigned short to_port(const std::string& text) {
    unsigned int port = 0;
    const auto [end, code] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (code != std::errc() || end != text.data() + text.size() || port == 0 || port > 65535) {
        return 0;
    }
    return static_cast<unsigned short>(port);
}

std::string upper(std::string text) {
    for (auto& c : text) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return text;
}

// An engine answers: `docker info` for the v2 plugin, `docker-compose ps` for v1 (which fails
// when it cannot reach the daemon).
bool compose_engine_reachable(const std::vector<std::string>& command,
                              const std::filesystem::path& root) {
    ProcessOptions options;
    options.timeout = std::chrono::seconds(5);
    options.working_directory = root;
    if (command.front() == "docker") {
        return run_process({"docker", "info", "--format", "{{.ServerVersion}}"}, options)
            .succeeded();
    }
    auto arguments = command;
    arguments.insert(arguments.end(), {"-f", (root / "docker-compose.yml").string(), "ps", "-q"});
    return run_process(arguments, options).succeeded();
}

}  // namespace

std::string_view mode_name(Mode mode) {
    return mode == Mode::native ? "native" : "compose";
}

bool Context::native_stack_exists() const {
    return std::filesystem::is_regular_file(state_dir / "stack.env");
}

std::string Context::missing_native_stack() const {
    return "no native stack in " + state_dir.string() + " (no stack.env); start it with " +
           (native_forced ? "./kronos up" : "./kronos up, or pass --compose");
}

std::string Context::setting(const std::string& key, const std::string& fallback) const {
    const auto found = stack_env.find(key);
    return found != stack_env.end() && !found->second.empty() ? found->second : fallback;
}

unsigned short Context::gateway_http_port() const {
    if (mode == Mode::compose) {
        return 80;
    }
    const auto port = to_port(setting("KRONOS_HTTP_PORT", "8080"));
    return port != 0 ? port : 8080;
}

unsigned short Context::service_port(const std::string& service) const {
    if (mode == Mode::native) {
        if (const auto port = to_port(setting("KRONOS_" + upper(service) + "_PORT")); port != 0) {
            return port;
        }
    }
    for (const auto& [name, port] : read_services_list(root)) {
        if (name == service) {
            return port;
        }
    }
    return 0;
}

std::vector<std::string> Context::supervisorctl(const std::vector<std::string>& arguments) const {
    std::vector<std::string> command{"supervisorctl", "-c", supervisor_conf().string()};
    command.insert(command.end(), arguments.begin(), arguments.end());
    return command;
}

std::vector<std::string> Context::compose(const std::vector<std::string>& arguments) const {
    std::vector<std::string> command =
        compose_command.empty() ? std::vector<std::string>{"docker", "compose"} : compose_command;
    command.push_back("-f");
    command.push_back(compose_file().string());
    command.insert(command.end(), arguments.begin(), arguments.end());
    return command;
}

void add_context_options(CLI::App& app, ContextOptions& options) {
    auto* compose = app.add_flag(
        "--compose", options.compose,
        "Operate the Docker Compose deployment (default: the native stack when its state "
        "folder exists)");
    // Without it, a missing stack.env lets a reachable Compose engine take over, which is never
    // what the native stack's own ./kronos command means.
    app.add_flag("--native", options.native,
                 "Operate the native stack of KRONOS_STATE_DIR even when it has no stack.env yet")
        ->excludes(compose);
}

namespace {
ContextOptions global_options;
}  // namespace

void add_global_context_options(CLI::App& app) {
    add_context_options(app, global_options);
}

std::string as_invoked(const std::string& text) {
    const char* invoked = std::getenv("KRONOS_INVOKED_AS");
    if (invoked == nullptr || *invoked == '\0') {
        return text;
    }
    static const std::string own_name = "kronosctl ";
    std::string result;
    std::size_t from = 0;
    for (auto at = text.find(own_name); at != std::string::npos; at = text.find(own_name, from)) {
        // Only a command: "kronosctl restart", not a word inside a longer name.
        const bool word_start =
            at == 0 || !(std::isalnum(static_cast<unsigned char>(text[at - 1])) ||
                         text[at - 1] == '_' || text[at - 1] == '/');
        result.append(text, from, at - from);
        result += word_start ? std::string(invoked) + " " : own_name;
        from = at + own_name.size();
    }
    result.append(text, from);
    return result;
}

std::optional<std::filesystem::path> find_repo_root(const std::filesystem::path& start) {
    std::error_code error;
    auto directory = std::filesystem::absolute(start, error);
    if (error) {
        return std::nullopt;
    }
    directory = directory.lexically_normal();
    while (true) {
        if (std::filesystem::is_regular_file(directory / "docker-compose.yml") &&
            std::filesystem::is_directory(directory / "nginx")) {
            return directory;
        }
        if (!directory.has_parent_path() || directory.parent_path() == directory) {
            return std::nullopt;
        }
        directory = directory.parent_path();
    }
}

std::map<std::string, std::string> read_env_file(const std::filesystem::path& path) {
    std::map<std::string, std::string> values;
    std::ifstream file(path);
    std::string line;
    while (std::getline(file, line)) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (line.empty() || line.front() == '#') {
            continue;
        }
        const auto equals = line.find('=');
        if (equals == std::string::npos || equals == 0) {
            continue;
        }
        values[line.substr(0, equals)] = line.substr(equals + 1);
    }
    return values;
}

std::vector<std::pair<std::string, unsigned short>> read_services_list(
    const std::filesystem::path& root) {
    std::vector<std::pair<std::string, unsigned short>> services;
    std::ifstream file(root / "deploy" / "services.list");
    std::string line;
    while (std::getline(file, line)) {
        std::istringstream fields(line);
        std::string name;
        std::string port;
        if (!(fields >> name >> port) || name.front() == '#') {
            continue;
        }
        if (const auto number = to_port(port); number != 0) {
            services.emplace_back(name, number);
        }
    }
    return services;
}

std::vector<std::string> detect_compose_command() {
    if (find_program("docker")) {
        ProcessOptions options;
        options.timeout = std::chrono::seconds(5);
        if (run_process({"docker", "compose", "version"}, options).succeeded()) {
            return {"docker", "compose"};
        }
    }
    if (find_program("docker-compose")) {
        return {"docker-compose"};
    }
    return {};
}

Context load_context(const ContextOptions& command_options) {
    ContextOptions options = command_options;
    options.compose = options.compose || global_options.compose;
    options.native = options.native || global_options.native;
    if (options.compose && options.native) {
        throw std::runtime_error("--compose and --native exclude each other; pass one of them");
    }
    Context context;
    const auto start = options.root.empty() ? std::filesystem::current_path() : options.root;
    const auto root = find_repo_root(start);
    if (!root) {
        throw std::runtime_error("no Kronos checkout found in " + start.string() +
                                 " or its parents (a folder with docker-compose.yml and nginx/); "
                                 "run kronosctl inside the repository");
    }
    context.root = *root;

    const char* state_variable = std::getenv("KRONOS_STATE_DIR");
    if (state_variable != nullptr && *state_variable != '\0') {
        context.state_dir = std::filesystem::absolute(state_variable).lexically_normal();
    } else {
        context.state_dir = context.root / ".kronos";
    }
    context.stack_env = read_env_file(context.state_dir / "stack.env");

    if (options.compose) {
        context.mode = Mode::compose;
        context.compose_command = detect_compose_command();
    } else if (options.native || context.native_stack_exists()) {
        context.mode = Mode::native;
        context.native_forced = options.native;
    } else if (auto command = detect_compose_command();
               !command.empty() && compose_engine_reachable(command, context.root)) {
        context.mode = Mode::compose;
        context.compose_command = std::move(command);
    }
    return context;
}

}  // namespace kronosctl
