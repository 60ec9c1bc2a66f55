// The Kubernetes edits of `kronosctl add-service`. Like the other edits they insert text next to
// the entries of the existing services instead of re-emitting the YAML, so comments and layout
// survive. When such an entry is missing, the edit throws and the command writes nothing.

#include <algorithm>
#include <cctype>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "add_service_edits.hpp"

namespace kronosctl::add_service {

namespace {

constexpr const char* kBaseKustomization = "deploy/k8s/base/kustomization.yaml";
constexpr const char* kNetworkPolicies = "deploy/k8s/base/network-policies.yaml";
constexpr const char* kMigrateJob = "deploy/k8s/base/migrate-job.yaml";
constexpr const char* kOverlayKustomization = "deploy/k8s/overlays/production/kustomization.yaml";

// Offsets [begin, end) of a part of a file.
struct Range {
    std::size_t begin = 0;
    std::size_t end = 0;
};

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

std::string slice(const std::string& text, Range range) {
    return text.substr(range.begin, range.end - range.begin);
}

std::size_t end_of_line(const std::string& text, std::size_t offset) {
    const auto newline = text.find('\n', offset);
    return newline == std::string::npos ? text.size() : newline + 1;
}

std::string line_at(const std::string& text, std::size_t offset) {
    const auto end = text.find('\n', offset);
    return text.substr(offset, end == std::string::npos ? std::string::npos : end - offset);
}

[[noreturn]] void missing(const std::string& file, const std::string& what,
                          const NewService& service) {
    throw std::runtime_error(file + " has no " + what + "; add the lines for " + service.name +
                             " by hand, following leave's");
}

// The documents of a multi-document YAML file, split at the lines `---`.
std::vector<Range> documents(const std::string& text) {
    std::vector<Range> result;
    std::size_t begin = 0;
    for (std::size_t line = 0; line < text.size(); line = end_of_line(text, line)) {
        if (line_at(text, line) == "---") {
            result.push_back({begin, line});
            begin = end_of_line(text, line);
        }
    }
    result.push_back({begin, text.size()});
    return result;
}

// The document of the object KIND/NAME, found by its `kind:` line and `metadata.name`.
std::optional<Range> find_document(const std::string& text, const std::string& kind,
                                   const std::string& name) {
    for (const Range range : documents(text)) {
        const std::string document = "\n" + slice(text, range);
        if (contains(document, "\nkind: " + kind + "\n") &&
            contains(document, "\nmetadata:\n  name: " + name + "\n")) {
            return range;
        }
    }
    return std::nullopt;
}

// The lines of the top-level mapping key KEY (such as `images:`), up to the next top-level key.
std::optional<Range> find_section(const std::string& text, const std::string& key) {
    std::optional<Range> section;
    for (std::size_t line = 0; line < text.size(); line = end_of_line(text, line)) {
        const std::string content = line_at(text, line);
        const bool top_level_key = !content.empty() && std::isalpha(content[0]) != 0;
        if (section && top_level_key) {
            section->end = line;
            return section;
        }
        if (content == key) {
            section = Range{end_of_line(text, line), text.size()};
        }
    }
    return section;
}

// Offset of the start of the last line in RANGE that starts with PREFIX, or npos.
std::size_t last_line_starting_with(const std::string& text, Range range,
                                    const std::string& prefix) {
    std::size_t found = std::string::npos;
    for (std::size_t line = range.begin; line < range.end; line = end_of_line(text, line)) {
        if (text.compare(line, prefix.size(), prefix) == 0) {
            found = line;
        }
    }
    return found;
}

// Adds NAME to the flow sequence on the `values: [...]` line of DOCUMENT, before `migrate` so
// that the services stay together.
std::string add_to_values_list(const std::string& text, Range document, const NewService& service,
                               const std::string& what) {
    static const std::regex values_line(R"(\n( +values: \[)([^\]\n]*)\])");
    const std::string part = slice(text, document);
    std::smatch match;
    if (!std::regex_search(part, match, values_line)) {
        missing(kNetworkPolicies, "'values: [...]' line in " + what, service);
    }
    std::vector<std::string> values;
    std::istringstream items(match[2].str());
    for (std::string item; std::getline(items, item, ',');) {
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        values.push_back(item);
    }
    if (std::find(values.begin(), values.end(), service.name) != values.end()) {
        return text;
    }
    values.insert(std::find(values.begin(), values.end(), "migrate"), service.name);
    std::string joined;
    for (const auto& value : values) {
        joined += (joined.empty() ? "" : ", ") + value;
    }
    std::string result = text;
    result.replace(document.begin + static_cast<std::size_t>(match.position(2)),
                   static_cast<std::size_t>(match.length(2)), joined);
    return result;
}

std::string gateway_egress_rule(const NewService& service) {
    return "    - to:\n"
           "        - podSelector:\n"
           "            matchLabels:\n"
           "              app.kubernetes.io/component: " +
           service.name +
           "\n"
           "      ports:\n"
           "        - protocol: TCP\n"
           "          port: " +
           std::to_string(service.port) + "\n";
}

std::string service_network_policy(const NewService& service) {
    return "apiVersion: networking.k8s.io/v1\n"
           "kind: NetworkPolicy\n"
           "metadata:\n"
           "  name: " +
           service.name +
           "\n"
           "spec:\n"
           "  podSelector:\n"
           "    matchLabels:\n"
           "      app.kubernetes.io/component: " +
           service.name +
           "\n"
           "  policyTypes:\n"
           "    - Ingress\n"
           "  ingress:\n"
           "    - from:\n"
           "        - podSelector:\n"
           "            matchLabels:\n"
           "              app.kubernetes.io/component: gateway\n"
           "      ports:\n"
           "        - protocol: TCP\n"
           "          port: " +
           std::to_string(service.port) + "\n---\n";
}

std::string add_gateway_egress(const std::string& text, const NewService& service) {
    const auto gateway = find_document(text, "NetworkPolicy", "gateway");
    if (!gateway) {
        missing(kNetworkPolicies, "NetworkPolicy 'gateway'", service);
    }
    const std::string document = slice(text, *gateway);
    if (contains(document, "\n              app.kubernetes.io/component: " + service.name + "\n")) {
        return text;
    }
    // The rule is appended to the document, so `egress:` must be its last key under spec.
    std::size_t key = std::string::npos;
    for (std::size_t line = gateway->begin; line < gateway->end; line = end_of_line(text, line)) {
        const std::string content = line_at(text, line);
        if (content.size() > 2 && content.compare(0, 2, "  ") == 0 && content[2] != ' ') {
            key = line;
        }
    }
    if (key == std::string::npos || line_at(text, key) != "  egress:") {
        missing(kNetworkPolicies, "'egress:' as the last key of NetworkPolicy 'gateway'", service);
    }
    std::string result = text;
    result.insert(gateway->end, gateway_egress_rule(service));
    return result;
}

// The overview comment at the top of network-policies.yaml lists the gateway's targets.
std::string add_to_overview_comment(const std::string& text, const NewService& service) {
    const auto line = last_line_starting_with(text, {0, text.size()}, "#   gateway ");
    if (line == std::string::npos) {
        return text;
    }
    const std::string content = line_at(text, line);
    if (!contains(content, "->") || contains(content, " " + service.name + " :")) {
        return text;
    }
    std::string result = text;
    result.insert(line + content.size(), ", " + service.name + " :" + std::to_string(service.port));
    return result;
}

}  // namespace

std::string edit_k8s_kustomization(const std::string& text, const NewService& service) {
    std::string result = text;

    const std::string resource = "  - services/" + service.name + ".yaml\n";
    const auto resources = find_section(result, "resources:");
    if (!resources) {
        missing(kBaseKustomization, "'resources:' list", service);
    }
    if (!contains(slice(result, *resources), resource)) {
        const auto last = last_line_starting_with(result, *resources, "  - services/");
        if (last == std::string::npos) {
            missing(kBaseKustomization, "'  - services/...' line under 'resources:'", service);
        }
        result.insert(end_of_line(result, last), resource);
    }

    // tests/deploy checks that the nginx-conf-d ConfigMap lists every file of nginx/conf.d, and
    // add-service writes nginx/conf.d/<name>.conf.
    const std::string route = "      - ../../../nginx/conf.d/" + service.name + ".conf\n";
    const auto generator = result.find("  - name: nginx-conf-d\n");
    if (generator == std::string::npos) {
        missing(kBaseKustomization, "configMapGenerator entry 'nginx-conf-d'", service);
    }
    const auto next_entry = result.find("\n  - name: ", generator + 1);
    const Range entry{generator, next_entry == std::string::npos ? result.size() : next_entry + 1};
    if (!contains(slice(result, entry), route)) {
        const auto last = last_line_starting_with(result, entry, "      - ../../../nginx/conf.d/");
        if (last == std::string::npos) {
            missing(kBaseKustomization, "file of nginx/conf.d in the 'nginx-conf-d' entry",
                    service);
        }
        result.insert(end_of_line(result, last), route);
    }
    return result;
}

std::string edit_k8s_network_policies(const std::string& text, const NewService& service) {
    std::string result = add_gateway_egress(text, service);

    if (!find_document(result, "NetworkPolicy", service.name)) {
        // The service's policy goes after the other services' policies, which sit above the
        // data store policies.
        const auto postgres = find_document(result, "NetworkPolicy", "postgres-egress");
        if (!postgres) {
            missing(kNetworkPolicies, "NetworkPolicy 'postgres-egress'", service);
        }
        result.insert(postgres->begin, service_network_policy(service));
    }

    for (const char* policy : {"postgres-egress", "redis-egress"}) {
        const auto document = find_document(result, "NetworkPolicy", policy);
        if (!document) {
            missing(kNetworkPolicies, std::string("NetworkPolicy '") + policy + "'", service);
        }
        result = add_to_values_list(result, *document, service,
                                    std::string("NetworkPolicy '") + policy + "'");
    }
    return add_to_overview_comment(result, service);
}

std::string edit_k8s_migrate_job(const std::string& text, const NewService& service) {
    std::string result = text;

    static const std::regex schemas(R"(\n( *)- name: KRONOS_SCHEMAS\n +value: ([^\n]*)\n)");
    std::smatch match;
    if (!std::regex_search(result, match, schemas)) {
        missing(kMigrateJob, "KRONOS_SCHEMAS variable with a 'value:' line", service);
    }
    std::istringstream words(match[2].str());
    bool listed = false;
    for (std::string word; words >> word;) {
        listed = listed || word == service.name;
    }
    if (!listed) {
        result.insert(static_cast<std::size_t>(match.position(2) + match.length(2)),
                      " " + service.name);
    }

    const std::string variable = "KRONOS_DB_PASSWORD_" + upper(service.name);
    if (contains(result, "- name: " + variable + "_FILE\n")) {
        return result;
    }
    std::size_t last = std::string::npos;
    std::string indent;
    for (std::size_t line = 0; line < result.size(); line = end_of_line(result, line)) {
        const std::string content = line_at(result, line);
        const auto dash = content.find("- name: KRONOS_DB_PASSWORD_");
        if (dash != std::string::npos && content.find_first_not_of(' ') == dash &&
            content.ends_with("_FILE")) {
            last = line;
            indent = content.substr(0, dash);
        }
    }
    if (last == std::string::npos) {
        missing(kMigrateJob, "'- name: KRONOS_DB_PASSWORD_<SERVICE>_FILE' variable", service);
    }
    // The entry ends with its `value:` line, the line after the name.
    const auto after_value = end_of_line(result, end_of_line(result, last));
    result.insert(after_value, indent + "- name: " + variable + "_FILE\n" + indent +
                                   "  value: /run/secrets/kronos/" + variable + "\n");
    return result;
}

std::string edit_k8s_overlay(const std::string& text, const NewService& service) {
    std::string result = text;
    const std::string entry = "  - name: kronos-" + service.name + "\n";

    const auto images = find_section(result, "images:");
    if (!images) {
        missing(kOverlayKustomization, "'images:' list", service);
    }
    if (!contains(slice(result, *images), entry)) {
        // The new image comes from the registry the operator set for the gateway, with its tag.
        static const std::regex gateway(
            R"(  - name: kronos-gateway\n    newName: ([^\n]*)/[^/\n]+\n    newTag: ([^\n]*)\n)");
        const std::string part = slice(result, *images);
        std::smatch match;
        if (!std::regex_search(part, match, gateway)) {
            missing(kOverlayKustomization,
                    "'kronos-gateway' image with 'newName: REGISTRY/gateway' and 'newTag:'",
                    service);
        }
        result.insert(images->begin + static_cast<std::size_t>(match.position(0)),
                      entry + "    newName: " + match[1].str() + "/" + service.name +
                          "\n    newTag: " + match[2].str() + "\n");
    }

    const auto secrets = find_section(result, "secretGenerator:");
    if (!secrets) {
        missing(kOverlayKustomization, "'secretGenerator:' list", service);
    }
    if (!contains(slice(result, *secrets), entry)) {
        auto migrate = result.find("  - name: kronos-migrate\n", secrets->begin);
        if (migrate == std::string::npos || migrate >= secrets->end) {
            missing(kOverlayKustomization, "secretGenerator entry 'kronos-migrate'", service);
        }
        // Above the comment lines that describe the migrate Secret.
        while (migrate >= 2 && migrate > secrets->begin) {
            const auto previous = result.rfind('\n', migrate - 2) + 1;
            if (result.compare(previous, 4, "  # ") != 0) {
                break;
            }
            migrate = previous;
        }
        result.insert(migrate, entry + "    envs:\n      - secrets/" + service.name + ".env\n");
    }
    return result;
}

}  // namespace kronosctl::add_service
