#pragma once

// The parts of docker-compose.yml that kronosctl checks and reports on, with the line of each
// item so messages can point at it. yaml-cpp 0.7 does not apply YAML merge keys (`<<: *anchor`),
// so load_compose_file applies them itself: keys of the service win over merged ones.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kronosctl {

struct ComposePort {
    std::string text;                       // as written, e.g. "80:80" or "127.0.0.1:8080:80"
    std::optional<unsigned int> published;  // host port; nothing when Docker picks one
    unsigned int target = 0;                // container port
    int line = 0;                           // 1-based
};

struct ComposeDependency {
    std::string service;
    std::string condition;  // service_started when the short form is used
    int line = 0;
};

struct ComposeService {
    std::string name;
    int line = 0;
    std::vector<std::string> networks;
    int networks_line = 0;
    std::vector<ComposePort> ports;
    bool has_healthcheck = false;
    bool healthcheck_disabled = false;  // `disable: true` or test ["NONE"]
    std::vector<ComposeDependency> depends_on;
    std::string restart;
    std::map<std::string, std::string> environment;
    // One-shot: restart "no" and something waits for service_completed_successfully, or it is
    // named migrate.
    bool one_shot = false;
};

struct ComposeNetwork {
    std::string name;
    bool internal = false;
    int line = 0;
};

struct ComposeFile {
    std::filesystem::path path;
    std::vector<ComposeService> services;  // in file order
    std::vector<ComposeNetwork> networks;
    std::string error;  // non-empty when the file could not be read or parsed

    const ComposeService* find_service(const std::string& name) const;
    const ComposeNetwork* find_network(const std::string& name) const;
};

ComposeFile load_compose_file(const std::filesystem::path& path);
ComposeFile parse_compose_text(const std::string& text,
                               const std::filesystem::path& path_for_messages);

// Parses a short-form port mapping ("80", "80:80", "127.0.0.1:80:80", "8000-8001:80/tcp").
std::optional<ComposePort> parse_port_mapping(const std::string& text);

}  // namespace kronosctl
