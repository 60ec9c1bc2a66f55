#pragma once

// Where the stack is and how it runs: the repository root, the state folder of the native stack
// (stack.env with its ports) and the mode, native (supervisord) or Docker Compose.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace kronosctl {

enum class Mode { native, compose };

std::string_view mode_name(Mode mode);

struct ContextOptions {
    bool compose = false;        // --compose: force the Compose mode
    bool native = false;         // --native: force the native mode (./kronos passes it)
    std::filesystem::path root;  // --root or empty: search upward from the current directory
};

struct Context {
    std::filesystem::path root;
    std::filesystem::path state_dir;  // KRONOS_STATE_DIR or ROOT/.kronos (may not exist)
    Mode mode = Mode::native;
    bool native_forced = false;  // --native was given
    // stack.env of the native stack: KRONOS_HTTP_PORT, KRONOS_<SVC>_PORT, ... (empty in Compose
    // mode or before the first `./kronos up`).
    std::map<std::string, std::string> stack_env;
    // "docker compose" or "docker-compose": the program and leading arguments of every Compose
    // call. Empty in native mode.
    std::vector<std::string> compose_command;

    std::filesystem::path compose_file() const { return root / "docker-compose.yml"; }
    // docker-compose 1.x, which lacks `ps --format` and `logs --since`.
    bool compose_v1() const {
        return !compose_command.empty() && compose_command.front() == "docker-compose";
    }
    std::filesystem::path logs_dir() const { return state_dir / "logs"; }
    std::filesystem::path supervisor_conf() const { return state_dir / "supervisord.conf"; }
    bool native_stack_exists() const;
    // Why a native-mode command cannot run here, and what to do: start the stack, or (unless
    // --native forced the mode) pass --compose.
    std::string missing_native_stack() const;

    // Value of KEY in stack.env, or FALLBACK.
    std::string setting(const std::string& key, const std::string& fallback = {}) const;
    // Gateway HTTP port: stack.env's KRONOS_HTTP_PORT, 8080 when absent; 80 in Compose mode.
    unsigned short gateway_http_port() const;
    // Port of SERVICE: KRONOS_<SERVICE>_PORT from stack.env, else deploy/services.list, else 0.
    unsigned short service_port(const std::string& service) const;
    // "supervisorctl -c STATE/supervisord.conf" followed by ARGUMENTS.
    std::vector<std::string> supervisorctl(const std::vector<std::string>& arguments) const;
    // The Compose command, "-f ROOT/docker-compose.yml", then ARGUMENTS.
    std::vector<std::string> compose(const std::vector<std::string>& arguments) const;
};

// Registers --compose and --native on APP, writing into OPTIONS.
void add_context_options(CLI::App& app, ContextOptions& options);

// Registers --compose and --native on the top-level APP too, so both `kronosctl --compose status`
// and `kronosctl status --compose` work. load_context() honours them for every command.
void add_global_context_options(CLI::App& app);

// TEXT with each "kronosctl " that starts a suggested command replaced by the name the operator
// called: KRONOS_INVOKED_AS (./kronos sets "./kronos"), else "kronosctl".
std::string as_invoked(const std::string& text);

// Finds the repository root: START or its nearest parent that contains docker-compose.yml and an
// nginx/ folder.
std::optional<std::filesystem::path> find_repo_root(const std::filesystem::path& start);

// Reads KEY=VALUE lines (no quoting, '#' comments and blank lines skipped). Missing file: empty.
std::map<std::string, std::string> read_env_file(const std::filesystem::path& path);

// "name port" lines of deploy/services.list, in file order.
std::vector<std::pair<std::string, unsigned short>> read_services_list(
    const std::filesystem::path& root);

// Detects "docker compose" (v2 plugin) or "docker-compose" (v1) on PATH; empty when neither.
std::vector<std::string> detect_compose_command();

// Builds the context. Throws std::runtime_error when no repository root is found.
// Mode: --compose or --native; else native when STATE/stack.env exists; else Compose when a Compose
// command can reach an engine (`docker info` or `docker-compose ps` succeeds); else native.
Context load_context(const ContextOptions& options);

}  // namespace kronosctl
