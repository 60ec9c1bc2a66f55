#include "add_service_edits.hpp"

#include <algorithm>
#include <cctype>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace kronosctl::add_service {

namespace {

constexpr std::size_t kMaxNameLength = 30;

std::string upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Offset just past the end of the line that contains `offset`.
std::size_t end_of_line(const std::string& text, std::size_t offset) {
    const auto newline = text.find('\n', offset);
    return newline == std::string::npos ? text.size() : newline + 1;
}

// Offset of the start of the last line that starts with `prefix`, or npos.
std::size_t last_line_starting_with(const std::string& text, const std::string& prefix) {
    std::size_t found = std::string::npos;
    std::size_t line = 0;
    while (line < text.size()) {
        if (text.compare(line, prefix.size(), prefix) == 0) {
            found = line;
        }
        line = end_of_line(text, line);
    }
    return found;
}

std::string insert_after_last_line(const std::string& text, const std::string& prefix,
                                   const std::string& block, const std::string& file) {
    const auto line = last_line_starting_with(text, prefix);
    if (line == std::string::npos) {
        throw std::runtime_error(file + " has no line starting with '" + prefix +
                                 "'; add the lines for the new service by hand");
    }
    std::string result = text;
    result.insert(end_of_line(text, line), block);
    return result;
}

std::string database_password_variable(const NewService& service) {
    return "KRONOS_DB_PASSWORD_" + upper(service.name);
}

std::string compose_service_block(const NewService& service) {
    const std::string& n = service.name;
    const std::string password = database_password_variable(service);
    std::ostringstream out;
    out << "  " << n << ":\n"
        << "    <<: *service\n"
        << "    image: \"kronos-" << n << ":${KRONOS_IMAGE_TAG:-latest}\"\n"
        << "    build:\n"
        << "      context: .\n"
        << "      dockerfile: deploy/docker/services.Dockerfile\n"
        << "      target: " << n << "\n"
        << "    environment:\n"
        << "      <<: *service-environment\n"
        << "      SERVICE_NAME: " << n << "\n"
        << "      DATABASE_SCHEMA: " << n << "\n"
        << "      PORT: \"" << service.port << "\"\n"
        << "      DATABASE_URL: \"postgresql://kronos_" << n << ":${" << password << ":?"
        << password
        << " is not set; copy .env.example to .env and fill in the "
           "secrets}@postgres:5432/kronos\"\n"
        << "\n";
    return out.str();
}

// Returns the part of `text` between the line `start` and the marker, for presence checks that
// must not look at the rest of the file.
std::string section_before_marker(const std::string& text, const std::string& start,
                                  const std::string& marker) {
    const auto begin = text.find(start);
    const auto end = text.find(marker);
    if (begin == std::string::npos || end == std::string::npos || end < begin) {
        return {};
    }
    return text.substr(begin, end - begin);
}

std::string add_schema_to_migrate(const std::string& text, const NewService& service) {
    static const std::regex schemas_line(R"((\n[ ]+KRONOS_SCHEMAS:[ ]*)([^\n]*)\n)");
    std::smatch match;
    if (!std::regex_search(text, match, schemas_line)) {
        throw std::runtime_error(
            "docker-compose.yml has no KRONOS_SCHEMAS line in the migrate service; add the "
            "schema there by hand");
    }
    std::istringstream words(match[2].str());
    std::string word;
    while (words >> word) {
        if (word == service.name) {
            return text;
        }
    }
    std::string result = text;
    const auto value_end = static_cast<std::size_t>(match.position(2) + match.length(2));
    result.insert(value_end, " " + service.name);
    return result;
}

}  // namespace

std::string validate_name(const std::string& name) {
    if (name.empty()) {
        return "the service name is empty; use lower-case letters and digits, such as 'payroll'";
    }
    if (name.size() > kMaxNameLength) {
        return "invalid service name '" + name + "': longer than " +
               std::to_string(kMaxNameLength) + " characters";
    }
    for (const char c : name) {
        const bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!allowed) {
            return "invalid service name '" + name +
                   "': use lower-case letters and digits only (no '-', '_' or upper case)";
        }
    }
    if (name[0] < 'a' || name[0] > 'z') {
        return "invalid service name '" + name + "': it must start with a lower-case letter";
    }
    return {};
}

std::string validate_port(int port) {
    if (port < 1024 || port > 65535) {
        return "invalid port " + std::to_string(port) +
               ": use a port from 1024 to 65535 (ports below 1024 need root)";
    }
    return {};
}

std::map<std::string, int> parse_services_list(const std::string& text) {
    std::map<std::string, int> services;
    std::istringstream lines(text);
    std::string line;
    int number = 0;
    while (std::getline(lines, line)) {
        ++number;
        std::istringstream fields(line);
        std::string name;
        std::string port;
        std::string rest;
        if (!(fields >> name) || name[0] == '#') {
            continue;
        }
        fields >> port >> rest;
        const bool numeric = !port.empty() && port.size() <= 5 &&
                             std::all_of(port.begin(), port.end(),
                                         [](unsigned char c) { return std::isdigit(c) != 0; });
        if (!validate_name(name).empty() || !numeric || !rest.empty()) {
            throw std::runtime_error("deploy/services.list line " + std::to_string(number) +
                                     " is invalid: expected 'name port', got '" + line + "'");
        }
        services[name] = std::stoi(port);
    }
    return services;
}

std::map<std::string, std::vector<int>> nginx_upstream_ports(const std::string& text) {
    static const std::regex upstream(R"(upstream\s+([A-Za-z0-9_]+)\s*\{([^}]*)\})");
    static const std::regex server(R"(server\s+[^\s;]*:([0-9]+)\b)");
    static const std::regex map(
        R"(map\s+\S+\s+\$kronos_upstream_([A-Za-z0-9_]+)\s*\{\s*default\s+[^\s;:]+:([0-9]+)\s*;)");
    std::map<std::string, std::vector<int>> ports;
    for (std::sregex_iterator it(text.begin(), text.end(), upstream), end; it != end; ++it) {
        const std::string body = (*it)[2].str();
        auto& list = ports[(*it)[1].str()];
        for (std::sregex_iterator s(body.begin(), body.end(), server); s != end; ++s) {
            list.push_back(std::stoi((*s)[1].str()));
        }
    }
    for (std::sregex_iterator it(text.begin(), text.end(), map), end; it != end; ++it) {
        ports["kronos_" + (*it)[1].str()].push_back(std::stoi((*it)[2].str()));
    }
    return ports;
}

std::string insert_above_marker(const std::string& text, const std::string& marker,
                                const std::string& block) {
    std::size_t line = 0;
    while (line < text.size()) {
        const auto next = end_of_line(text, line);
        std::string content = text.substr(line, next - line);
        if (!content.empty() && content.back() == '\n') {
            content.pop_back();
        }
        if (content == marker) {
            std::string result = text;
            result.insert(line, block);
            return result;
        }
        line = next;
    }
    throw std::runtime_error("the marker line '" + marker +
                             "' is missing; put it back where new entries belong");
}

std::string edit_services_list(const std::string& text, const NewService& service) {
    if (parse_services_list(text).contains(service.name)) {
        return text;
    }
    std::string result = text;
    if (!result.empty() && result.back() != '\n') {
        result += '\n';
    }
    result += service.name + " " + std::to_string(service.port) + "\n";
    return result;
}

std::string edit_compose(const std::string& text, const NewService& service) {
    std::string result = text;
    if (!contains(result, "\n  " + service.name + ":\n")) {
        result =
            insert_above_marker(result, kComposeServicesMarker, compose_service_block(service));
    }

    const std::string dependency =
        "      " + service.name + ":\n        condition: service_healthy\n";
    if (!contains(section_before_marker(result, "\n  nginx:\n", kComposeGatewayMarker),
                  dependency)) {
        result = insert_above_marker(result, kComposeGatewayMarker, dependency);
    }

    result = add_schema_to_migrate(result, service);

    const std::string password = database_password_variable(service);
    if (!contains(result, "\n      " + password + ":")) {
        result = insert_above_marker(
            result, kComposePasswordsMarker,
            "      " + password + ": \"${" + password + ":?" + password +
                " is not set; copy .env.example to .env and fill in the secrets}\"\n");
    }
    return result;
}

std::string edit_env_example(const std::string& text, const NewService& service) {
    const std::string password = database_password_variable(service);
    if (contains(text, "\n" + password + "=")) {
        return text;
    }
    return insert_above_marker(text, kEnvExamplePasswordsMarker, password + "=\n");
}

std::string edit_generate_env(const std::string& text, const NewService& service) {
    const std::string password = database_password_variable(service);
    if (contains(text, "\n" + password + "=")) {
        return text;
    }
    return insert_after_last_line(text, "KRONOS_DB_PASSWORD_", password + "=$(password)\n",
                                  "deploy/docker/generate-env.sh");
}

std::string edit_dockerfile(const std::string& text, const NewService& service) {
    std::string result = text;
    const std::string binary = "kronos-" + service.name;

    const auto build = result.find("cmake --build /build --target ");
    if (build == std::string::npos) {
        throw std::runtime_error(
            "deploy/docker/services.Dockerfile has no 'cmake --build /build --target' line; add "
            "the target " +
            binary + " to its build step by hand");
    }
    auto line_end = end_of_line(result, build);
    std::string line = result.substr(build, line_end - build);
    if (!std::regex_search(line, std::regex("\\s" + binary + "(\\s|$)"))) {
        auto insert_at = line.rfind(" \\");
        if (insert_at == std::string::npos) {
            insert_at = line.back() == '\n' ? line.size() - 1 : line.size();
        }
        result.insert(build + insert_at, " " + binary);
    }

    if (!contains(result, "FROM runtime AS " + service.name + "\n")) {
        if (!result.empty() && result.back() != '\n') {
            result += '\n';
        }
        const std::string port = std::to_string(service.port);
        result += "\nFROM runtime AS " + service.name + "\n" +
                  "COPY --from=build /build/services/" + service.name + "/" + binary +
                  " /usr/local/bin/" + binary + "\n" + "ENV SERVICE_NAME=" + service.name +
                  " DATABASE_SCHEMA=" + service.name + " PORT=" + port + "\n" + "EXPOSE " + port +
                  "\n" + "ENTRYPOINT [\"/usr/local/bin/" + binary + "\"]\n";
    }
    return result;
}

std::string edit_top_cmake(const std::string& text, const NewService& service) {
    const std::string line = "add_subdirectory(services/" + service.name + ")";
    if (contains(text, line)) {
        return text;
    }
    return insert_after_last_line(text, "add_subdirectory(services/", line + "\n",
                                  "CMakeLists.txt");
}

std::string edit_route_map(const std::string& text, const NewService& service) {
    const std::string pattern = "~^/api/v1/" + service.name + "/";
    if (contains(text, pattern + " ")) {
        return text;
    }
    const auto map = text.find("map $request_uri $kronos_route {");
    const auto default_line = map == std::string::npos ? map : text.find("    default", map);
    if (default_line == std::string::npos) {
        throw std::runtime_error(
            "nginx/snippets/access_log_format.conf has no 'map $request_uri $kronos_route' with a "
            "default line; add the route name by hand");
    }
    // Align the value with the entries above, which pad the pattern to 20 columns.
    std::string entry = "    " + pattern;
    entry += std::string(entry.size() < 24 ? 24 - entry.size() : 1, ' ');
    entry += service.name + ";\n";
    std::string result = text;
    result.insert(default_line, entry);
    return result;
}

std::string edit_upstreams(const std::string& text, const NewService& service,
                           const std::string& host) {
    std::string result = text;
    const std::string upstream = "kronos_" + service.name;
    const std::string address = host + ":" + std::to_string(service.port);

    // Where an upstream{} group per service exists (Kubernetes, whose Service addresses never
    // change), the new service gets one too and its variable names the group. Otherwise
    // (Compose) the variable names the address, which the resolver looks up for each request.
    const bool groups =
        contains(result, "\nupstream kronos_") || result.starts_with("upstream kronos_");
    if (groups && !contains(result, "upstream " + upstream + " ")) {
        auto last = result.rfind("\nupstream kronos_");
        if (last == std::string::npos) {
            last = 0;
        }
        const auto close = result.find("\n}\n", last);
        if (close == std::string::npos) {
            throw std::runtime_error("the 'upstream kronos_...' block has no closing '}' line");
        }
        result.insert(close + 3, "\nupstream " + upstream + " {\n    server " + address +
                                     ";\n    keepalive 128;\n}\n");
    }

    const std::string map_prefix = "\nmap $host $kronos_upstream_";
    if (!contains(result, map_prefix + service.name + " ")) {
        const auto last = result.rfind(map_prefix);
        const auto close = last == std::string::npos ? last : result.find("\n}\n", last);
        if (close == std::string::npos) {
            throw std::runtime_error(
                "no 'map $host $kronos_upstream_...' block found to add "
                "$kronos_upstream_" +
                service.name + " after");
        }
        result.insert(close + 3, map_prefix.substr(1) + service.name + " {\n    default " +
                                     (groups ? upstream : address) + ";\n}\n");
        result.insert(close + 3, "\n");
    }
    return result;
}

}  // namespace kronosctl::add_service
