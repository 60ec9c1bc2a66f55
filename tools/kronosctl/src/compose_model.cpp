#include "compose_model.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace kronosctl {
namespace {

struct Entry {
    std::string key;
    YAML::Node value;
    int line = 0;
};

int line_of(const YAML::Node& node) {
    return node.Mark().line + 1;
}

// Entries of MAPPING with merge keys applied: own keys first, then keys of merged mappings
// (recursively) that the mapping does not set itself.
std::vector<Entry> merged_entries(const YAML::Node& mapping) {
    std::vector<Entry> entries;
    if (!mapping.IsMap()) {
        return entries;
    }
    std::vector<YAML::Node> merges;
    for (const auto& item : mapping) {
        const auto key = item.first.Scalar();
        if (key == "<<") {
            if (item.second.IsSequence()) {
                for (const auto& merged : item.second) {
                    merges.push_back(merged);
                }
            } else {
                merges.push_back(item.second);
            }
            continue;
        }
        entries.push_back({key, item.second, line_of(item.first)});
    }
    for (const auto& merged : merges) {
        for (auto& inherited : merged_entries(merged)) {
            const bool present =
                std::any_of(entries.begin(), entries.end(),
                            [&](const Entry& entry) { return entry.key == inherited.key; });
            if (!present) {
                entries.push_back(std::move(inherited));
            }
        }
    }
    return entries;
}

const Entry* find_entry(const std::vector<Entry>& entries, std::string_view key) {
    for (const auto& entry : entries) {
        if (entry.key == key) {
            return &entry;
        }
    }
    return nullptr;
}

std::optional<unsigned int> to_number(std::string_view text) {
    unsigned int value = 0;
    const auto [end, code] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (code != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

ComposeService read_service(const std::string& name, const YAML::Node& key,
                            const YAML::Node& node) {
    ComposeService service;
    service.name = name;
    service.line = line_of(key);
    const auto entries = merged_entries(node);

    if (const auto* networks = find_entry(entries, "networks")) {
        service.networks_line = networks->line;
        if (networks->value.IsSequence()) {
            for (const auto& network : networks->value) {
                service.networks.push_back(network.Scalar());
            }
        } else if (networks->value.IsMap()) {
            for (const auto& network : networks->value) {
                service.networks.push_back(network.first.Scalar());
            }
        }
    }

    if (const auto* ports = find_entry(entries, "ports"); ports && ports->value.IsSequence()) {
        for (const auto& port : ports->value) {
            ComposePort parsed;
            if (port.IsScalar()) {
                if (auto short_form = parse_port_mapping(port.Scalar())) {
                    parsed = *short_form;
                } else {
                    parsed.text = port.Scalar();
                }
            } else if (port.IsMap()) {
                std::ostringstream text;
                text << port;
                parsed.text = text.str();
                if (port["target"]) {
                    parsed.target = to_number(port["target"].Scalar()).value_or(0);
                }
                if (port["published"]) {
                    parsed.published = to_number(port["published"].Scalar());
                }
            }
            parsed.line = line_of(port);
            service.ports.push_back(std::move(parsed));
        }
    }

    if (const auto* healthcheck = find_entry(entries, "healthcheck")) {
        service.has_healthcheck = true;
        const auto check = merged_entries(healthcheck->value);
        if (const auto* disable = find_entry(check, "disable")) {
            service.healthcheck_disabled = disable->value.Scalar() == "true";
        }
        if (const auto* test = find_entry(check, "test")) {
            if ((test->value.IsSequence() && test->value.size() > 0 &&
                 test->value[0].Scalar() == "NONE") ||
                (test->value.IsScalar() && test->value.Scalar() == "NONE")) {
                service.healthcheck_disabled = true;
            }
        }
    }

    if (const auto* depends = find_entry(entries, "depends_on")) {
        if (depends->value.IsSequence()) {
            for (const auto& dependency : depends->value) {
                service.depends_on.push_back(
                    {dependency.Scalar(), "service_started", line_of(dependency)});
            }
        } else if (depends->value.IsMap()) {
            for (const auto& dependency : merged_entries(depends->value)) {
                std::string condition = "service_started";
                if (dependency.value.IsMap() && dependency.value["condition"]) {
                    condition = dependency.value["condition"].Scalar();
                }
                service.depends_on.push_back({dependency.key, condition, dependency.line});
            }
        }
    }

    if (const auto* restart = find_entry(entries, "restart")) {
        service.restart = restart->value.Scalar();
    }

    if (const auto* environment = find_entry(entries, "environment")) {
        if (environment->value.IsMap()) {
            for (const auto& variable : merged_entries(environment->value)) {
                service.environment[variable.key] =
                    variable.value.IsScalar() ? variable.value.Scalar() : "";
            }
        } else if (environment->value.IsSequence()) {
            for (const auto& item : environment->value) {
                const auto text = item.Scalar();
                const auto equals = text.find('=');
                service.environment[text.substr(0, equals)] =
                    equals == std::string::npos ? std::string() : text.substr(equals + 1);
            }
        }
    }
    return service;
}

}  // namespace

const ComposeService* ComposeFile::find_service(const std::string& name) const {
    for (const auto& service : services) {
        if (service.name == name) {
            return &service;
        }
    }
    return nullptr;
}

const ComposeNetwork* ComposeFile::find_network(const std::string& name) const {
    for (const auto& network : networks) {
        if (network.name == name) {
            return &network;
        }
    }
    return nullptr;
}

std::optional<ComposePort> parse_port_mapping(const std::string& text) {
    ComposePort port;
    port.text = text;
    std::string_view value(text);
    if (const auto slash = value.find('/'); slash != std::string_view::npos) {
        value = value.substr(0, slash);
    }
    // IPv6 host addresses are bracketed: "[::1]:80:80".
    if (!value.empty() && value.front() == '[') {
        const auto close = value.find(']');
        if (close == std::string_view::npos || close + 1 >= value.size() ||
            value[close + 1] != ':') {
            return std::nullopt;
        }
        value.remove_prefix(close + 2);
    }
    std::vector<std::string_view> parts;
    while (true) {
        const auto colon = value.find(':');
        parts.push_back(value.substr(0, colon));
        if (colon == std::string_view::npos) {
            break;
        }
        value.remove_prefix(colon + 1);
    }
    if (parts.size() > 3) {
        return std::nullopt;
    }
    // A range ("8000-8001") is reported by its first port.
    auto first_of_range = [](std::string_view part) {
        return to_number(part.substr(0, part.find('-')));
    };
    const auto target = first_of_range(parts.back());
    if (!target) {
        return std::nullopt;
    }
    port.target = *target;
    if (parts.size() >= 2) {
        const auto published = parts[parts.size() - 2];
        if (!published.empty()) {
            port.published = first_of_range(published);
            if (!port.published) {
                return std::nullopt;
            }
        }
    }
    return port;
}

ComposeFile parse_compose_text(const std::string& text,
                               const std::filesystem::path& path_for_messages) {
    ComposeFile file;
    file.path = path_for_messages;
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& error) {
        file.error = path_for_messages.string() + ":" + std::to_string(error.mark.line + 1) +
                     ": invalid YAML: " + error.msg;
        return file;
    }
    if (!root.IsMap() || !root["services"] || !root["services"].IsMap()) {
        file.error = path_for_messages.string() + ": no `services` mapping";
        return file;
    }
    try {
        for (const auto& item : root["services"]) {
            file.services.push_back(read_service(item.first.Scalar(), item.first, item.second));
        }
        if (root["networks"] && root["networks"].IsMap()) {
            for (const auto& item : root["networks"]) {
                ComposeNetwork network;
                network.name = item.first.Scalar();
                network.line = line_of(item.first);
                if (item.second.IsMap() && item.second["internal"]) {
                    network.internal = item.second["internal"].Scalar() == "true";
                }
                file.networks.push_back(std::move(network));
            }
        }
    } catch (const YAML::Exception& error) {
        file.error = path_for_messages.string() + ":" + std::to_string(error.mark.line + 1) + ": " +
                     error.msg;
        return file;
    }

    // Services that another waits for with service_completed_successfully are one-shot jobs.
    for (auto& service : file.services) {
        bool awaited = false;
        for (const auto& other : file.services) {
            for (const auto& dependency : other.depends_on) {
                awaited = awaited || (dependency.service == service.name &&
                                      dependency.condition == "service_completed_successfully");
            }
        }
        service.one_shot = service.name == "migrate" ||
                           (awaited && (service.restart == "no" || service.restart.empty()));
    }
    return file;
}

ComposeFile load_compose_file(const std::filesystem::path& path) {
    std::ifstream stream(path);
    if (!stream) {
        ComposeFile file;
        file.path = path;
        file.error = path.string() + ": cannot be read";
        return file;
    }
    std::ostringstream text;
    text << stream.rdbuf();
    return parse_compose_text(text.str(), path);
}

}  // namespace kronosctl
