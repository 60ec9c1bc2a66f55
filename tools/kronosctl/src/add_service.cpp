// `kronosctl add-service NAME --port N`: the runbook's "Adding a New Service" checklist as one
// command. It adds the Compose service, the Kubernetes manifests, the gateway route and upstreams,
// the schema (through deploy/services.list, which ./kronos and the Compose migrate job read), an
// Alembic folder, a C++ service skeleton and its CMake target. Running it again changes nothing.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "add_service_edits.hpp"
#include "commands.hpp"

namespace fs = std::filesystem;

namespace kronosctl {

namespace {

using add_service::NewService;

constexpr int kExitInvalid = 2;
constexpr int kExitFailed = 1;

constexpr const char* kOverlayKustomization = "deploy/k8s/overlays/production/kustomization.yaml";

// Compose services that are not application services; their names cannot be reused.
const std::set<std::string> kInfrastructureNames = {"nginx", "gateway", "migrate", "postgres",
                                                    "redis", "core",    "public"};

// C++ keywords that would break the generated namespace kronos::<name>.
const std::set<std::string> kCppKeywords = {
    "alignas", "alignof",  "and",       "asm",      "auto",     "bool",      "break",    "case",
    "catch",   "char",     "class",     "concept",  "const",    "constexpr", "continue", "default",
    "delete",  "do",       "double",    "else",     "enum",     "explicit",  "export",   "extern",
    "false",   "float",    "for",       "friend",   "goto",     "if",        "inline",   "int",
    "long",    "mutable",  "namespace", "new",      "noexcept", "not",       "nullptr",  "operator",
    "or",      "private",  "protected", "register", "requires", "return",    "short",    "signed",
    "sizeof",  "static",   "struct",    "switch",   "template", "this",      "throw",    "true",
    "try",     "typedef",  "typeid",    "typename", "union",    "unsigned",  "using",    "virtual",
    "void",    "volatile", "while",     "xor"};

struct Change {
    std::string path;  // relative to the repository root
    bool created = false;
    std::string before;
    std::string after;
};

[[noreturn]] void fail(int code, const std::string& message) {
    std::cerr << "kronosctl add-service: error: " << message << "\n";
    throw CLI::RuntimeError(code);
}

std::optional<std::string> read_optional(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string read_required(const fs::path& root, const std::string& relative) {
    auto text = read_optional(root / relative);
    if (!text) {
        fail(kExitFailed, relative + " not found in " + root.string() +
                              "; run kronosctl from the root of a Kronos checkout or pass --repo");
    }
    return *text;
}

// Writes through a temporary file and a rename, so a reader never sees half a file, and keeps
// the permissions of the file it replaces (generate-env.sh is executable).
void write_atomically(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    const fs::path temporary = path.string() + ".kronosctl-tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush()) {
            throw std::runtime_error("cannot write " + temporary.string());
        }
    }
    if (fs::exists(path)) {
        fs::permissions(temporary, fs::status(path).permissions());
    }
    fs::rename(temporary, path);
}

// A port counts as free when a socket can bind 127.0.0.1:port now.
bool port_free_on_loopback(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return bound;
}

fs::path find_repository(const std::string& requested) {
    if (!requested.empty()) {
        return fs::absolute(requested);
    }
    for (fs::path dir = fs::current_path(); !dir.empty(); dir = dir.parent_path()) {
        if (fs::exists(dir / "deploy/services.list") && fs::exists(dir / "docker-compose.yml")) {
            return dir;
        }
        if (dir == dir.root_path()) {
            break;
        }
    }
    fail(kExitFailed,
         "no Kronos checkout (deploy/services.list and docker-compose.yml) in the current "
         "folder or above it; run from the checkout or pass --repo");
}

// Compose services and the PORT each one sets in its environment (0 when it sets none).
std::map<std::string, int> compose_service_ports(const std::string& text) {
    std::map<std::string, int> ports;
    const YAML::Node root = YAML::Load(text);
    const YAML::Node services = root["services"];
    if (!services || !services.IsMap()) {
        throw std::runtime_error("docker-compose.yml has no 'services' mapping");
    }
    for (const auto& entry : services) {
        int port = 0;
        const YAML::Node environment = entry.second["environment"];
        if (environment && environment.IsMap() && environment["PORT"]) {
            try {
                port = std::stoi(environment["PORT"].as<std::string>());
            } catch (const std::exception&) {
                port = 0;
            }
        }
        ports[entry.first.as<std::string>()] = port;
    }
    return ports;
}

void check_port_unique(const NewService& service, const std::map<std::string, int>& listed,
                       const std::map<std::string, int>& compose,
                       const std::map<std::string, std::string>& nginx_files) {
    for (const auto& [name, port] : listed) {
        if (name != service.name && port == service.port) {
            fail(kExitInvalid, "port " + std::to_string(service.port) + " is already used by " +
                                   name + " in deploy/services.list; choose another port");
        }
    }
    for (const auto& [name, port] : compose) {
        if (name != service.name && port == service.port) {
            fail(kExitInvalid, "port " + std::to_string(service.port) + " is already used by the " +
                                   "Compose service " + name +
                                   " in docker-compose.yml; choose "
                                   "another port");
        }
    }
    for (const auto& [file, text] : nginx_files) {
        for (const auto& [upstream, ports] : add_service::nginx_upstream_ports(text)) {
            if (upstream == "kronos_" + service.name) {
                continue;
            }
            if (std::find(ports.begin(), ports.end(), service.port) != ports.end()) {
                fail(kExitInvalid, "port " + std::to_string(service.port) +
                                       " is already used by upstream " + upstream + " in " + file +
                                       "; choose another port");
            }
        }
    }
}

// The Kubernetes manifests, when the checkout has deploy/k8s/base. A checkout without the
// production overlay gets the base only.
template <typename Edit>
void plan_kubernetes_changes(const fs::path& root, const NewService& service,
                             std::vector<Change>& changes, const Edit& edit) {
    if (!fs::exists(root / "deploy/k8s/base/kustomization.yaml")) {
        return;
    }
    const std::string manifest = "deploy/k8s/base/services/" + service.name + ".yaml";
    if (!fs::exists(root / manifest)) {
        changes.push_back({manifest, true, "", add_service::kubernetes_manifest(service)});
    }
    edit("deploy/k8s/base/kustomization.yaml", [&](const std::string& text) {
        return add_service::edit_k8s_kustomization(text, service);
    });
    edit("deploy/k8s/base/network-policies.yaml", [&](const std::string& text) {
        return add_service::edit_k8s_network_policies(text, service);
    });
    edit("deploy/k8s/base/migrate-job.yaml",
         [&](const std::string& text) { return add_service::edit_k8s_migrate_job(text, service); });
    if (fs::exists(root / kOverlayKustomization)) {
        edit(kOverlayKustomization,
             [&](const std::string& text) { return add_service::edit_k8s_overlay(text, service); });
    }
}

std::vector<Change> plan_changes(const fs::path& root, const NewService& service) {
    std::vector<Change> changes;
    const auto edit = [&](const std::string& relative, auto transform) {
        const std::string before = read_required(root, relative);
        std::string after = transform(before);
        if (after != before) {
            changes.push_back({relative, false, before, std::move(after)});
        }
    };

    for (const auto& [relative, text] : add_service::generated_files(service)) {
        // A file that exists already stays as it is: it may hold the operator's own work.
        if (!fs::exists(root / relative)) {
            changes.push_back({relative, true, "", text});
        }
    }

    edit("docker-compose.yml",
         [&](const std::string& text) { return add_service::edit_compose(text, service); });
    edit(".env.example",
         [&](const std::string& text) { return add_service::edit_env_example(text, service); });
    edit("deploy/docker/generate-env.sh",
         [&](const std::string& text) { return add_service::edit_generate_env(text, service); });
    edit("deploy/docker/services.Dockerfile",
         [&](const std::string& text) { return add_service::edit_dockerfile(text, service); });
    edit("CMakeLists.txt",
         [&](const std::string& text) { return add_service::edit_top_cmake(text, service); });
    edit("nginx/snippets/access_log_format.conf",
         [&](const std::string& text) { return add_service::edit_route_map(text, service); });
    edit("nginx/runtime-compose/http.conf", [&](const std::string& text) {
        return add_service::edit_upstreams(text, service, service.name);
    });
    if (fs::exists(root / "deploy/k8s/base/gateway/runtime/http.conf")) {
        edit("deploy/k8s/base/gateway/runtime/http.conf", [&](const std::string& text) {
            return add_service::edit_upstreams(text, service, service.name);
        });
    }
    plan_kubernetes_changes(root, service, changes, edit);

    // Last, so an interrupted run leaves the service out of the list that starts it.
    edit("deploy/services.list",
         [&](const std::string& text) { return add_service::edit_services_list(text, service); });
    return changes;
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);) {
        lines.push_back(line);
    }
    return lines;
}

// Lines of `after` that are not in `before`, with their line numbers in `after`, from a longest
// common subsequence of the two files' lines. The edits only insert or extend lines, so this is
// the whole change; the files are a few hundred lines, so the quadratic table stays small.
std::vector<std::pair<std::size_t, std::string>> added_lines(const std::string& before,
                                                             const std::string& after) {
    const auto old_lines = split_lines(before);
    const auto new_lines = split_lines(after);
    const std::size_t rows = old_lines.size();
    const std::size_t columns = new_lines.size();
    std::vector<std::vector<std::size_t>> common(rows + 1,
                                                 std::vector<std::size_t>(columns + 1, 0));
    for (std::size_t i = rows; i-- > 0;) {
        for (std::size_t j = columns; j-- > 0;) {
            common[i][j] = old_lines[i] == new_lines[j]
                               ? common[i + 1][j + 1] + 1
                               : std::max(common[i + 1][j], common[i][j + 1]);
        }
    }
    std::vector<std::pair<std::size_t, std::string>> added;
    std::size_t i = 0;
    std::size_t j = 0;
    while (j < columns) {
        if (i < rows && old_lines[i] == new_lines[j]) {
            ++i;
            ++j;
        } else if (i < rows && common[i + 1][j] >= common[i][j + 1]) {
            ++i;
        } else {
            added.emplace_back(j + 1, new_lines[j]);
            ++j;
        }
    }
    return added;
}

void print_change(const Change& change, bool dry_run) {
    const std::string verb = change.created ? (dry_run ? "would create " : "created ")
                                            : (dry_run ? "would update " : "updated ");
    std::cout << verb << change.path << "\n";
    if (!dry_run || change.created) {
        return;
    }
    for (const auto& [number, line] : added_lines(change.before, change.after)) {
        std::cout << "    " << number << " + " << line << "\n";
    }
}

void run_add_service(const std::string& name, int port, bool dry_run, const std::string& repo) {
    if (auto problem = add_service::validate_name(name); !problem.empty()) {
        fail(kExitInvalid, problem);
    }
    if (kInfrastructureNames.contains(name) || kCppKeywords.contains(name)) {
        fail(kExitInvalid, "invalid service name '" + name +
                               "': it is reserved (a component of the stack or a C++ keyword)");
    }
    if (auto problem = add_service::validate_port(port); !problem.empty()) {
        fail(kExitInvalid, problem);
    }
    const NewService service{name, port};
    const fs::path root = find_repository(repo);

    std::map<std::string, int> listed;
    std::map<std::string, int> compose;
    std::map<std::string, std::string> nginx_files;
    try {
        listed = add_service::parse_services_list(read_required(root, "deploy/services.list"));
        compose = compose_service_ports(read_required(root, "docker-compose.yml"));
        for (const char* file :
             {"nginx/runtime-compose/http.conf", "deploy/k8s/base/gateway/runtime/http.conf"}) {
            if (auto text = read_optional(root / file)) {
                nginx_files[file] = *text;
            }
        }
    } catch (const YAML::Exception& error) {
        fail(kExitFailed, std::string("cannot parse docker-compose.yml: ") + error.what());
    } catch (const std::runtime_error& error) {
        fail(kExitFailed, error.what());
    }

    if (auto existing = listed.find(name); existing != listed.end() && existing->second != port) {
        fail(kExitInvalid, "service " + name + " already exists on port " +
                               std::to_string(existing->second) + " (deploy/services.list)");
    }
    check_port_unique(service, listed, compose, nginx_files);

    std::vector<Change> changes;
    try {
        changes = plan_changes(root, service);
    } catch (const std::runtime_error& error) {
        fail(kExitFailed, error.what());
    }

    if (changes.empty()) {
        std::cout << "service " << name << " on port " << port
                  << " is already added; nothing to change\n";
        return;
    }
    const bool existed = listed.contains(name) || compose.contains(name) ||
                         fs::exists(root / "services" / name) ||
                         fs::exists(root / "migrations" / name);
    if (existed) {
        fail(kExitInvalid, "service " + name +
                               " already exists (in deploy/services.list, docker-compose.yml, "
                               "services/ or migrations/); choose another name");
    }
    if (!port_free_on_loopback(port)) {
        fail(kExitInvalid, "port " + std::to_string(port) +
                               " is in use on 127.0.0.1 now; stop what listens there or choose "
                               "another port");
    }

    for (const auto& change : changes) {
        if (!dry_run) {
            try {
                write_atomically(root / change.path, change.after);
            } catch (const std::exception& error) {
                fail(kExitFailed, "cannot write " + change.path + ": " + error.what() +
                                      "; the files listed above were written already");
            }
        }
        print_change(change, dry_run);
    }

    if (dry_run) {
        std::cout << "dry run: nothing was written\n";
        return;
    }
    std::string upper_name = name;
    std::transform(upper_name.begin(), upper_name.end(), upper_name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    std::cout << "\nservice " << name << " added on port " << port << ". Next steps:\n"
              << "  native stack:  ./kronos down && ./kronos up   (builds and starts " << name
              << ", migrates schema " << name << ")\n"
              << "  Compose:       add KRONOS_DB_PASSWORD_" << upper_name
              << " to .env, then docker-compose up -d --build\n"
              << "  check:         curl http://localhost/api/v1/" << name << "/health\n";
    if (fs::exists(root / kOverlayKustomization)) {
        std::cout << "  Kubernetes:    build and push the image kronos-" << name
                  << " (deploy/docker/services.Dockerfile, target " << name << "),\n"
                  << "                 put DATABASE_URL and REDIS_URL in "
                     "deploy/k8s/overlays/production/secrets/"
                  << name << ".env\n"
                  << "                 and KRONOS_DB_PASSWORD_" << upper_name
                  << " in secrets/migrate.env, then render and apply the overlay\n"
                  << "                 (docs/deploy-kubernetes.md)\n";
    }
}

}  // namespace

void add_add_service_command(CLI::App& app) {
    auto* command = app.add_subcommand(
        "add-service",
        "Add a service: Compose service, Kubernetes manifests, gateway route and upstreams, "
        "schema and role, Alembic folder, C++ skeleton and CMake target. Idempotent.");
    auto name = std::make_shared<std::string>();
    auto port = std::make_shared<int>(0);
    auto dry_run = std::make_shared<bool>(false);
    auto repo = std::make_shared<std::string>();
    command
        ->add_option("name", *name,
                     "service name: lower-case letters and digits, starting with a letter, at "
                     "most 30 characters")
        ->required();
    command->add_option("--port", *port, "TCP port of the service (1024-65535)")->required();
    command->add_flag("--dry-run", *dry_run, "print what would change and write nothing");
    command->add_option("--repo", *repo,
                        "root of the Kronos checkout (default: the current folder or the nearest "
                        "parent with deploy/services.list)");
    command->callback([=] { run_add_service(*name, *port, *dry_run, *repo); });
}

}  // namespace kronosctl
