#include "audit.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "commands.hpp"
#include "context.hpp"
#include "process.hpp"

namespace kronosctl {
namespace {

constexpr std::string_view gateway_service = "nginx";
constexpr std::string_view internal_network = "kronos-internal";

std::string lower(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

std::optional<std::string> read_file(const std::filesystem::path& path) {
    std::ifstream stream(path, std::ios::binary);
    if (!stream) {
        return std::nullopt;
    }
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto newline = text.find('\n');
        lines.push_back(text.substr(0, newline));
        if (newline == std::string_view::npos) {
            break;
        }
        text.remove_prefix(newline + 1);
    }
    return lines;
}

// Values that only stand for a secret: references (${VAR}, $VAR, %s, {name}), short values,
// upper-case words used in docs (PASSWORD, HOST) and the usual placeholder words.
bool is_placeholder(std::string_view value) {
    if (value.size() < 8) {
        return true;
    }
    if (value.front() == '$' || value.front() == '%' || value.front() == '<' ||
        value.find_first_of("{}[]()") != std::string_view::npos ||
        value.find("$") != std::string_view::npos) {
        return true;
    }
    if (std::all_of(value.begin(), value.end(), [](char c) {
            return std::isupper(static_cast<unsigned char>(c)) != 0 || c == '_';
        })) {
        return true;
    }
    const auto text = lower(value);
    static constexpr std::array<std::string_view, 10> words{
        "example", "change", "placeholder", "dummy",    "replace",
        "your",    "xxxx",   "redacted",    "password", "secret"};
    return std::any_of(words.begin(), words.end(),
                       [&](std::string_view word) { return text.find(word) != std::string::npos; });
}

// Replaces each ${...} reference by "${}", so that its default or error text is not read as a
// value.
std::string without_references(std::string_view line) {
    std::string result;
    std::size_t position = 0;
    while (position < line.size()) {
        const auto start = line.find("${", position);
        if (start == std::string_view::npos) {
            result.append(line.substr(position));
            break;
        }
        result.append(line.substr(position, start - position));
        int depth = 0;
        auto end = start;
        for (; end < line.size(); ++end) {
            if (line[end] == '{') {
                ++depth;
            } else if (line[end] == '}' && --depth == 0) {
                break;
            }
        }
        result.append("${}");
        position = end + 1;
    }
    return result;
}

// A word of an identifier: letters (and digits after them) in one case, or Capitalized.
bool identifier_word(std::string_view word) {
    if (word.empty()) {
        return true;
    }
    const auto letters_end = std::find_if(word.begin(), word.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
    const std::string_view letters(word.begin(), letters_end);
    const bool digits_only_after = std::all_of(letters_end, word.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
    if (!digits_only_after) {
        return false;
    }
    const bool all_lower = std::all_of(letters.begin(), letters.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) != 0;
    });
    const bool all_upper = std::all_of(letters.begin(), letters.end(), [](char c) {
        return std::isupper(static_cast<unsigned char>(c)) != 0;
    });
    const bool capitalized =
        !letters.empty() && std::isupper(static_cast<unsigned char>(letters.front())) != 0 &&
        std::all_of(letters.begin() + 1, letters.end(),
                    [](char c) { return std::islower(static_cast<unsigned char>(c)) != 0; });
    return all_lower || all_upper || capitalized;
}

// Names such as sodium_base64_VARIANT_URLSAFE_NO_PADDING reach the entropy threshold but are
// made of words; random secrets mix cases inside their segments.
bool is_identifier(std::string_view token) {
    if (token.find_first_of("_-") == std::string_view::npos) {
        return false;
    }
    while (!token.empty()) {
        const auto separator = token.find_first_of("_-");
        if (!identifier_word(token.substr(0, separator))) {
            return false;
        }
        if (separator == std::string_view::npos) {
            break;
        }
        token.remove_prefix(separator + 1);
    }
    return true;
}

bool in_test_folder(const std::string& file) {
    const std::filesystem::path path(file);
    return std::any_of(path.begin(), path.end(), [](const std::filesystem::path& part) {
        return part == "tests" || part == "test";
    });
}

bool token_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '/' || c == '=' ||
           c == '_' || c == '-';
}

// Candidate tokens for the entropy rule: runs of base64/base64url/hex characters.
std::vector<std::string_view> tokens_of(std::string_view line) {
    std::vector<std::string_view> tokens;
    std::size_t start = 0;
    while (start < line.size()) {
        while (start < line.size() && !token_char(line[start])) {
            ++start;
        }
        auto end = start;
        while (end < line.size() && token_char(line[end])) {
            ++end;
        }
        if (end > start) {
            tokens.push_back(line.substr(start, end - start));
        }
        start = end;
    }
    return tokens;
}

// A secret mixes digits with upper- and lower-case letters. A token with two or more '/' is
// taken for a path.
bool secret_shaped(std::string_view token) {
    const bool has_digit = std::any_of(token.begin(), token.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
    const bool has_upper = std::any_of(token.begin(), token.end(), [](char c) {
        return std::isupper(static_cast<unsigned char>(c)) != 0;
    });
    const bool has_lower = std::any_of(token.begin(), token.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) != 0;
    });
    return has_digit && has_upper && has_lower && std::count(token.begin(), token.end(), '/') < 2;
}

bool is_comment_line(std::string_view line) {
    const auto first = line.find_first_not_of(" \t");
    return first != std::string_view::npos && line[first] == '#';
}

std::string strip_comment(std::string_view line) {
    return std::string(line.substr(0, line.find('#')));
}

unsigned int service_port(const std::filesystem::path& root, const ComposeService& service) {
    if (const auto port = service.environment.find("PORT"); port != service.environment.end()) {
        try {
            return static_cast<unsigned int>(std::stoul(port->second));
        } catch (const std::exception&) {
        }
    }
    for (const auto& [name, port] : read_services_list(root)) {
        if (name == service.name) {
            return port;
        }
    }
    if (service.name == gateway_service) {
        return 80;
    }
    return 0;
}

std::string compose_name_of(const std::filesystem::path&) {
    return "docker-compose.yml";
}

}  // namespace

double shannon_entropy(std::string_view text) {
    if (text.empty()) {
        return 0.0;
    }
    std::array<std::size_t, 256> counts{};
    for (const char c : text) {
        ++counts[static_cast<unsigned char>(c)];
    }
    double entropy = 0.0;
    const auto length = static_cast<double>(text.size());
    for (const auto count : counts) {
        if (count == 0) {
            continue;
        }
        const double probability = static_cast<double>(count) / length;
        entropy -= probability * std::log2(probability);
    }
    return entropy;
}

bool is_code_file(const std::filesystem::path& path) {
    static const std::set<std::string> extensions{
        ".cpp", ".hpp", ".h",    ".cc",   ".c",  ".py", ".sh", ".yml", ".yaml", ".conf",
        ".env", ".ini", ".json", ".toml", ".js", ".ts", ".go", ".sql", ".mako", ".cmake"};
    const auto name = path.filename().string();
    const auto extension = lower(path.extension().string());
    if (extensions.contains(extension) || name.starts_with("Dockerfile") ||
        name.ends_with(".Dockerfile") || name.starts_with(".env") || name == "CMakeLists.txt") {
        return true;
    }
    const auto first = path.begin() != path.end() ? path.begin()->string() : std::string();
    return first == "nginx" || first == "scripts" || first == "deploy";
}

std::vector<Finding> scan_text_for_secrets(const std::string& file, std::string_view text,
                                           bool code_file) {
    static const std::regex private_key(R"(-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----)");
    static const std::regex aws_key(R"(\b(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b)");
    static const std::regex aws_secret(
        R"(aws_?secret_?access_?key\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})\b)", std::regex::icase);
    // A quoted literal after a secret-like name: password = "...", "db_password": '...'.
    static const std::regex quoted_literal(
        R"re(([A-Za-z0-9_]*(password|passwd|pwd|secret|api_?key|access_?token|auth_?token|private_?key)[A-Za-z0-9_]*)["']?\s*(=|:|:=)\s*["']([^"'\s]+)["'])re",
        std::regex::icase);
    // An unquoted assignment that is the whole line: DB_PASSWORD=value (.env files, shell) or
    // DB_PASSWORD: value (YAML).
    static const std::regex bare_assignment(
        R"re(^\s*(export\s+|-\s+)?([A-Za-z0-9_]*(password|passwd|pwd|secret|api_?key|access_?token|auth_?token|private_?key)[A-Za-z0-9_]*)\s*(=|:)\s*([^\s"'#]+)\s*$)re",
        std::regex::icase);
    static const std::regex url_credentials(
        R"(([a-zA-Z][a-zA-Z0-9+.-]*)://([^/\s:@"']*):([^@\s/"']+)@)");

    std::vector<Finding> findings;
    int number = 0;
    for (const auto line : split_lines(text)) {
        ++number;
        if (line.find(audit_allow_marker) != std::string_view::npos) {
            continue;
        }
        const std::string current(line);
        std::smatch match;
        if (current.find("PRIVATE KEY") != std::string::npos &&
            std::regex_search(current, match, private_key)) {
            findings.push_back({file, number, "private key block (" + match.str(0) + ")"});
            continue;
        }
        if (std::regex_search(current, match, aws_key)) {
            findings.push_back(
                {file, number, "AWS access key id " + match.str(0).substr(0, 8) + "..."});
            continue;
        }
        if (std::regex_search(current, match, aws_secret)) {
            findings.push_back({file, number, "AWS secret access key"});
            continue;
        }
        const auto without_refs = without_references(current);
        if (current.find("://") != std::string::npos &&
            std::regex_search(without_refs, match, url_credentials)) {
            const auto password = match.str(3);
            if (!is_placeholder(password)) {
                findings.push_back(
                    {file, number,
                     "URL with a password (" + match.str(1) + "://" + match.str(2) + ":***@)"});
                continue;
            }
        }
        const auto lowered = lower(current);
        const bool mentions_secret =
            lowered.find("pass") != std::string::npos || lowered.find("pwd") != std::string::npos ||
            lowered.find("secret") != std::string::npos ||
            lowered.find("key") != std::string::npos || lowered.find("token") != std::string::npos;
        // Test suites sign in with made-up passwords against throw-away stacks, so the literal
        // rules skip tests/ and test/ folders. The key, URL and entropy rules still apply there.
        if (mentions_secret && !in_test_folder(file)) {
            const auto code = without_references(current);
            std::string name;
            std::string value;
            if (std::regex_search(code, match, bare_assignment)) {
                name = match.str(2);
                value = match.str(5);
            } else if (std::regex_search(code, match, quoted_literal)) {
                name = match.str(1);
                value = match.str(4);
            }
            const auto lowered_name = lower(name);
            // Names of a file, a Kubernetes Secret or an id hold no secret themselves.
            const bool names_something =
                lowered_name.ends_with("name") || lowered_name.ends_with("file") ||
                lowered_name.ends_with("path") || lowered_name.ends_with("ref") ||
                lowered_name.ends_with("_id") || lowered_name.ends_with("env");
            if (!value.empty() && !names_something && !is_placeholder(value) &&
                shannon_entropy(value) >= 3.0) {
                findings.push_back({file, number, "literal value for " + name});
                continue;
            }
        }
        if (code_file && !is_comment_line(line)) {
            for (const auto token : tokens_of(line)) {
                if (token.size() < high_entropy_min_length || !secret_shaped(token) ||
                    is_identifier(token)) {
                    continue;
                }
                const double entropy = shannon_entropy(token);
                if (entropy > high_entropy_threshold) {
                    char rounded[16];
                    std::snprintf(rounded, sizeof rounded, "%.2f", entropy);
                    findings.push_back({file, number,
                                        "high-entropy string " + std::string(token.substr(0, 6)) +
                                            "... (" + std::to_string(token.size()) +
                                            " characters, " + rounded + " bits/char)"});
                    break;
                }
            }
        }
    }
    return findings;
}

std::vector<std::string> list_tracked_files(const std::filesystem::path& root, std::string& error) {
    ProcessOptions options;
    options.timeout = std::chrono::seconds(60);
    const auto result = run_process({"git", "-C", root.string(), "ls-files", "-z"}, options);
    if (!result.succeeded()) {
        error = "git ls-files failed in " + root.string() + ": " +
                (result.error.empty() ? result.error_output : result.error);
        while (!error.empty() && error.back() == '\n') {
            error.pop_back();
        }
        return {};
    }
    std::vector<std::string> files;
    std::size_t start = 0;
    while (start < result.output.size()) {
        const auto end = result.output.find('\0', start);
        files.push_back(result.output.substr(start, end - start));
        if (end == std::string::npos) {
            break;
        }
        start = end + 1;
    }
    return files;
}

CheckResult check_secrets(const std::filesystem::path& root,
                          const std::vector<std::string>& tracked_files) {
    CheckResult result{"secrets", "no secrets in tracked files (they belong in .env)", {}, {}};
    std::size_t scanned = 0;
    for (const auto& file : tracked_files) {
        const auto path = root / file;
        std::error_code error;
        if (!std::filesystem::is_regular_file(path, error) ||
            std::filesystem::file_size(path, error) > 2 * 1024 * 1024) {
            continue;
        }
        const auto text = read_file(path);
        if (!text || text->find('\0') != std::string::npos) {
            continue;
        }
        ++scanned;
        auto findings = scan_text_for_secrets(file, *text, is_code_file(file));
        result.findings.insert(result.findings.end(), findings.begin(), findings.end());
    }
    result.detail = std::to_string(scanned) + " tracked text files scanned";
    return result;
}

CheckResult check_env_not_tracked(const std::vector<std::string>& tracked_files) {
    CheckResult result{"env-file", ".env is not tracked by git", {}, {}};
    static const std::set<std::string> templates{".env.example", ".env.sample", ".env.template",
                                                 ".env.dist"};
    for (const auto& file : tracked_files) {
        const auto name = std::filesystem::path(file).filename().string();
        if ((name == ".env" || name.starts_with(".env.")) && !templates.contains(name)) {
            result.findings.push_back(
                {file, 0,
                 "tracked by git; remove it with git rm --cached and keep it in .gitignore"});
        }
    }
    return result;
}

CheckResult check_modsecurity(const std::filesystem::path& root) {
    CheckResult result{
        "modsecurity",
        "ModSecurity on, with the OWASP CRS and nginx/modsecurity_custom.conf loaded",
        {},
        {}};
    const auto nginx = root / "nginx";
    std::vector<std::filesystem::path> files;
    std::error_code error;
    for (auto iterator = std::filesystem::recursive_directory_iterator(nginx, error);
         iterator != std::filesystem::recursive_directory_iterator(); iterator.increment(error)) {
        if (error) {
            break;
        }
        if (iterator->is_regular_file() && iterator->path().extension() == ".conf") {
            files.push_back(iterator->path());
        }
    }
    std::sort(files.begin(), files.end());

    static const std::regex modsecurity_directive(R"(^\s*modsecurity\s+(on|off)\s*;)");
    static const std::regex rules_file(R"(^\s*modsecurity_rules_file\s+\S+\s*;)");
    static const std::regex rule_engine(R"(^\s*SecRuleEngine\s+(\S+))", std::regex::icase);
    static const std::regex include_custom(R"(^\s*Include\s+\S*modsecurity_custom\.conf)",
                                           std::regex::icase);
    static const std::regex include_crs(
        R"(^\s*Include\s+\S*(modsecurity-crs|coreruleset|owasp-crs)\S*rules\S*)",
        std::regex::icase);
    static const std::regex include_snippet(R"(^\s*include\s+(\S+)\s*;)");

    std::string on_file;
    int on_line = 0;
    bool has_rules_file = false;
    bool engine_on = false;
    bool custom_included = false;
    bool crs_included = false;
    std::set<std::string> nginx_conf_includes;
    for (const auto& path : files) {
        const auto relative = std::filesystem::relative(path, root).string();
        const auto text = read_file(path).value_or("");
        int number = 0;
        for (const auto line : split_lines(text)) {
            ++number;
            const std::string current(line);
            std::smatch match;
            if (std::regex_search(current, match, modsecurity_directive)) {
                if (match.str(1) == "on") {
                    if (on_file.empty()) {
                        on_file = relative;
                        on_line = number;
                    }
                } else {
                    result.findings.push_back(
                        {relative, number, "modsecurity off; disables the WAF"});
                }
            }
            has_rules_file = has_rules_file || std::regex_search(current, rules_file);
            if (std::regex_search(current, match, rule_engine)) {
                if (lower(match.str(1)) == "on") {
                    engine_on = true;
                } else {
                    result.findings.push_back(
                        {relative, number,
                         "SecRuleEngine " + match.str(1) + " does not block attacks; use On"});
                }
            }
            custom_included = custom_included || std::regex_search(current, include_custom);
            crs_included = crs_included || std::regex_search(current, include_crs);
            if (relative == "nginx/nginx.conf" &&
                std::regex_search(current, match, include_snippet)) {
                nginx_conf_includes.insert(match.str(1));
            }
        }
    }

    if (on_file.empty()) {
        result.findings.push_back(
            {"nginx/nginx.conf", 0, "no `modsecurity on;` in any nginx/*.conf"});
    } else if (on_file != "nginx/nginx.conf") {
        // The snippet only counts when nginx.conf includes it.
        const auto snippet = std::filesystem::relative(root / on_file, nginx).string();
        if (!nginx_conf_includes.contains(snippet)) {
            result.findings.push_back(
                {on_file, on_line,
                 "`modsecurity on;` is here but nginx/nginx.conf does not include " + snippet});
        }
    }
    if (!has_rules_file) {
        result.findings.push_back({"nginx/runtime-compose/http.conf", 0,
                                   "no modsecurity_rules_file directive: no rules are loaded"});
    }
    if (!engine_on) {
        result.findings.push_back({"nginx/modsecurity/base.conf", 0, "no `SecRuleEngine On`"});
    }
    if (!custom_included) {
        result.findings.push_back(
            {"nginx/modsecurity/main.conf", 0, "nginx/modsecurity_custom.conf is not included"});
    }
    if (!crs_included) {
        result.findings.push_back(
            {"nginx/modsecurity/main.conf", 0,
             "the OWASP CRS rules (/usr/share/modsecurity-crs/rules/*.conf) are not included"});
    }
    if (!std::filesystem::is_regular_file(root / "nginx" / "modsecurity_custom.conf")) {
        result.findings.push_back({"nginx/modsecurity_custom.conf", 0, "missing"});
    }
    if (result.findings.empty()) {
        result.detail = "modsecurity on in " + on_file + ":" + std::to_string(on_line);
    }
    return result;
}

CheckResult check_networks(const ComposeFile& compose, const std::string& compose_name) {
    CheckResult result{"networks",
                       "every service and data store on kronos-internal only (the gateway also on "
                       "its edge network)",
                       {},
                       {}};
    const auto* internal = compose.find_network(std::string(internal_network));
    if (internal == nullptr) {
        result.findings.push_back(
            {compose_name, 0, "no network " + std::string(internal_network) + " under networks:"});
    } else if (!internal->internal) {
        result.findings.push_back(
            {compose_name, internal->line,
             std::string(internal_network) +
                 " lacks `internal: true`, so containers on it can reach other networks"});
    }
    for (const auto& service : compose.services) {
        const int line = service.networks_line > 0 ? service.networks_line : service.line;
        if (service.networks.empty()) {
            result.findings.push_back(
                {compose_name, service.line,
                 service.name + " has no networks: and joins the default network"});
            continue;
        }
        const bool on_internal = std::find(service.networks.begin(), service.networks.end(),
                                           internal_network) != service.networks.end();
        if (!on_internal) {
            result.findings.push_back(
                {compose_name, line, service.name + " is not on " + std::string(internal_network)});
        }
        if (service.name == gateway_service) {
            continue;
        }
        for (const auto& network : service.networks) {
            if (network != internal_network) {
                result.findings.push_back({compose_name, line,
                                           service.name + " is also on network " + network +
                                               "; only the gateway may leave " +
                                               std::string(internal_network)});
            }
        }
    }
    return result;
}

CheckResult check_ports(const ComposeFile& compose, const std::string& compose_name) {
    CheckResult result{"ports", "only the gateway publishes ports, and only 80 and 443", {}, {}};
    for (const auto& service : compose.services) {
        for (const auto& port : service.ports) {
            const std::string published =
                port.published ? std::to_string(*port.published) : "a random host port";
            if (service.name != gateway_service) {
                result.findings.push_back({compose_name, port.line,
                                           service.name + " publishes " + published + " (" +
                                               port.text +
                                               "); only the gateway may publish ports"});
            } else if (!port.published || (*port.published != 80 && *port.published != 443)) {
                result.findings.push_back({compose_name, port.line,
                                           "the gateway publishes " + published + " (" + port.text +
                                               "); only 80 and 443 are allowed"});
            }
        }
    }
    return result;
}

CheckResult check_healthchecks(const ComposeFile& compose, const std::string& compose_name) {
    CheckResult result{
        "healthchecks",
        "every long-running service has a healthcheck and service_healthy waits on one",
        {},
        {}};
    for (const auto& service : compose.services) {
        if (!service.one_shot && (!service.has_healthcheck || service.healthcheck_disabled)) {
            result.findings.push_back(
                {compose_name, service.line,
                 service.name + (service.healthcheck_disabled ? " has its healthcheck disabled"
                                                              : " has no healthcheck")});
        }
        for (const auto& dependency : service.depends_on) {
            const auto* target = compose.find_service(dependency.service);
            if (target == nullptr) {
                result.findings.push_back({compose_name, dependency.line,
                                           service.name + " depends on " + dependency.service +
                                               ", which is not a service"});
                continue;
            }
            if (dependency.condition == "service_healthy" &&
                (!target->has_healthcheck || target->healthcheck_disabled)) {
                result.findings.push_back({compose_name, dependency.line,
                                           service.name + " waits for " + dependency.service +
                                               " to be service_healthy, but " + dependency.service +
                                               " has no healthcheck"});
            }
        }
    }
    return result;
}

CheckResult check_routes(const std::filesystem::path& root, const ComposeFile& compose) {
    CheckResult result{"routes",
                       "every nginx route (conf.d proxy_pass and the address it names) reaches a "
                       "Compose service on its port, through names nginx looks up again",
                       {},
                       {}};

    struct Server {
        std::string host;
        unsigned int port = 80;
        std::string file;
        int line = 0;
    };
    // The address a $kronos_upstream_<name> map gives: an upstream{} group or "host:port".
    struct Variable {
        std::string value;
        int line = 0;
    };
    std::map<std::string, std::vector<Server>> upstreams;
    std::map<std::string, Variable> variables;
    int resolver_line = 0;
    static const std::regex upstream_open(R"(^\s*upstream\s+([A-Za-z0-9_.-]+)\s*\{)");
    static const std::regex server_line(R"(^\s*server\s+([A-Za-z0-9_.-]+)(:([0-9]+))?[\s;])");
    static const std::regex map_open(R"(^\s*map\s+\S+\s+\$([A-Za-z0-9_]+)\s*\{)");
    static const std::regex default_line(R"(^\s*default\s+([A-Za-z0-9_.:-]+)\s*;)");
    static const std::regex resolver(R"(^\s*resolver\s)");
    const std::string upstream_file = "nginx/runtime-compose/http.conf";
    {
        const auto text = read_file(root / upstream_file);
        if (!text) {
            result.findings.push_back(
                {upstream_file, 0, "missing: it defines the service addresses of Compose"});
        }
        std::string current_upstream;
        std::string current_map;
        int number = 0;
        // split_lines returns views into its argument, so the text needs a name that outlives
        // the loop: a temporary from value_or() would be gone before the first line is read.
        const std::string content = text.value_or("");
        for (const auto line : split_lines(content)) {
            ++number;
            const auto code = strip_comment(line);
            std::smatch match;
            if (std::regex_search(code, match, resolver)) {
                resolver_line = number;
            }
            if (std::regex_search(code, match, upstream_open)) {
                current_upstream = match.str(1);
                upstreams[current_upstream];
                continue;
            }
            if (std::regex_search(code, match, map_open)) {
                current_map = match.str(1);
                continue;
            }
            if (!current_upstream.empty() && std::regex_search(code, match, server_line)) {
                Server server{
                    match.str(1),
                    match[3].matched ? static_cast<unsigned int>(std::stoul(match.str(3))) : 80U,
                    upstream_file, number};
                upstreams[current_upstream].push_back(server);
            }
            if (!current_map.empty() && std::regex_search(code, match, default_line)) {
                variables[current_map] = {match.str(1), number};
            }
            if (code.find('}') != std::string::npos) {
                current_upstream.clear();
                current_map.clear();
            }
        }
    }

    static const std::regex location_open(R"(^\s*location\s+(=|~\*?|\^~)?\s*(\S+)\s*\{)");
    static const std::regex proxy_pass(
        R"(^\s*proxy_pass\s+https?://(\$?[A-Za-z0-9_.-]+)(:([0-9]+))?[^;]*;)");
    static const std::regex host_port(R"(^([A-Za-z0-9_.-]+):([0-9]+)$)");
    const auto stale_after_recreation = [&](const std::string& file, int line,
                                            const std::string& what) {
        result.findings.push_back(
            {file, line,
             what +
                 ": nginx resolves it once at start, so a recreated container is not reached "
                 "until a reload; pass to $kronos_upstream_<service>, a map in " +
                 upstream_file + " that gives \"service:port\""});
    };
    static const std::regex api_prefix(R"(^\^?/api/v1/(\(\?:)?([a-z][a-z0-9]*))");
    std::set<std::string> routed_services;
    std::vector<std::filesystem::path> route_files;
    std::error_code error;
    for (const auto& entry :
         std::filesystem::directory_iterator(root / "nginx" / "conf.d", error)) {
        if (entry.is_regular_file() && entry.path().extension() == ".conf") {
            route_files.push_back(entry.path());
        }
    }
    std::sort(route_files.begin(), route_files.end());
    int proxy_count = 0;
    for (const auto& path : route_files) {
        const auto relative = std::filesystem::relative(path, root).string();
        std::vector<std::string> locations;
        std::vector<int> depth_of_location;
        int depth = 0;
        int number = 0;
        const std::string content = read_file(path).value_or("");
        for (const auto line : split_lines(content)) {
            ++number;
            const auto code = strip_comment(line);
            std::smatch match;
            if (std::regex_search(code, match, location_open)) {
                locations.push_back(match.str(2));
                depth_of_location.push_back(depth + 1);
            }
            if (std::regex_search(code, match, proxy_pass)) {
                ++proxy_count;
                auto target = match.str(1);
                std::vector<Server> servers;
                std::string via;
                bool fixed_address = true;
                if (target.starts_with('$')) {
                    const auto variable = variables.find(target.substr(1));
                    std::smatch address;
                    if (variable == variables.end()) {
                        result.findings.push_back({relative, number,
                                                   "proxy_pass to " + target +
                                                       ", which no map in " + upstream_file +
                                                       " defines"});
                        target.clear();
                    } else if (std::regex_match(variable->second.value, address, host_port)) {
                        fixed_address = false;
                        servers.push_back({address.str(1),
                                           static_cast<unsigned int>(std::stoul(address.str(2))),
                                           upstream_file, variable->second.line});
                        via = " (" + target + " used at " + relative + ":" +
                              std::to_string(number) + ")";
                        target.clear();
                        if (resolver_line == 0) {
                            result.findings.push_back(
                                {upstream_file, variable->second.line,
                                 "$" + variable->first + " names " + variable->second.value +
                                     ", which nginx looks up for each request, but no resolver "
                                     "is set; add `resolver 127.0.0.11 valid=10s;` (Docker's "
                                     "DNS server)"});
                        }
                    } else {
                        target = variable->second.value;
                    }
                }
                if (target.empty()) {
                    // Found above, or reported as undefined.
                } else if (const auto found = upstreams.find(target); found != upstreams.end()) {
                    servers = found->second;
                    via = " (upstream " + target + " used at " + relative + ":" +
                          std::to_string(number) + ")";
                    if (servers.empty()) {
                        result.findings.push_back({relative, number,
                                                   "proxy_pass to upstream " + target +
                                                       ", which has no server in " +
                                                       upstream_file});
                    }
                } else {
                    servers.push_back({target,
                                       match[3].matched
                                           ? static_cast<unsigned int>(std::stoul(match.str(3)))
                                           : 80U,
                                       relative, number});
                }
                if (fixed_address && !servers.empty()) {
                    stale_after_recreation(servers.front().file, servers.front().line,
                                           "route to " + servers.front().host + via);
                }
                std::string location_service;
                if (!locations.empty()) {
                    std::smatch prefix;
                    const auto& location = locations.back();
                    if (std::regex_search(location, prefix, api_prefix) && !prefix[1].matched) {
                        location_service = prefix.str(2);
                    }
                }
                for (const auto& server : servers) {
                    const auto* service = compose.find_service(server.host);
                    if (service == nullptr) {
                        result.findings.push_back(
                            {server.file, server.line,
                             "route to " + server.host + ":" + std::to_string(server.port) + via +
                                 ": no Compose service named " + server.host});
                        continue;
                    }
                    routed_services.insert(service->name);
                    const auto expected = service_port(root, *service);
                    if (expected != server.port) {
                        result.findings.push_back(
                            {server.file, server.line,
                             "route to " + server.host + ":" + std::to_string(server.port) + via +
                                 ", but " + service->name + " listens on " +
                                 std::to_string(expected) + " (PORT in docker-compose.yml)"});
                    }
                    if (!location_service.empty() && location_service != service->name) {
                        result.findings.push_back({relative, number,
                                                   "location " + locations.back() + " is sent to " +
                                                       service->name + ", not to " +
                                                       location_service});
                    }
                }
            }
            depth += static_cast<int>(std::count(code.begin(), code.end(), '{'));
            depth -= static_cast<int>(std::count(code.begin(), code.end(), '}'));
            while (!depth_of_location.empty() && depth < depth_of_location.back()) {
                depth_of_location.pop_back();
                locations.pop_back();
            }
        }
    }
    for (const auto& [name, port] : read_services_list(root)) {
        if (compose.find_service(name) != nullptr && !routed_services.contains(name)) {
            result.findings.push_back(
                {"nginx/conf.d", 0, "no route sends requests to service " + name});
        }
    }
    result.detail = std::to_string(proxy_count) + " proxy_pass routes checked";
    return result;
}

std::vector<CheckResult> run_secret_audit(const std::filesystem::path& root) {
    std::string error;
    const auto tracked = list_tracked_files(root, error);
    if (!error.empty()) {
        CheckResult secrets{
            "secrets", "no secrets in tracked files (they belong in .env)", {{".", 0, error}}, {}};
        CheckResult env{"env-file", ".env is not tracked by git", {{".", 0, error}}, {}};
        return {secrets, env};
    }
    return {check_secrets(root, tracked), check_env_not_tracked(tracked)};
}

std::vector<CheckResult> run_network_audit(const std::filesystem::path& root) {
    const auto compose = load_compose_file(root / "docker-compose.yml");
    const auto name = compose_name_of(root);
    if (!compose.error.empty()) {
        CheckResult failed{
            "compose", "docker-compose.yml can be read", {{name, 0, compose.error}}, {}};
        return {failed};
    }
    return {check_networks(compose, name), check_ports(compose, name)};
}

std::vector<CheckResult> run_audit(const std::filesystem::path& root) {
    auto results = run_secret_audit(root);
    results.push_back(check_modsecurity(root));
    const auto compose = load_compose_file(root / "docker-compose.yml");
    const auto name = compose_name_of(root);
    if (!compose.error.empty()) {
        results.push_back(
            {"compose", "docker-compose.yml can be read", {{name, 0, compose.error}}, {}});
        return results;
    }
    results.push_back(check_networks(compose, name));
    results.push_back(check_ports(compose, name));
    results.push_back(check_healthchecks(compose, name));
    results.push_back(check_routes(root, compose));
    return results;
}

std::string format_check(const CheckResult& result) {
    std::string text =
        (result.passed() ? "PASS  " : "FAIL  ") + result.name + ": " + result.summary;
    if (result.passed() && !result.detail.empty()) {
        text += " (" + result.detail + ")";
    }
    text += '\n';
    for (const auto& finding : result.findings) {
        text += "      " + finding.location() + ": " + finding.message + '\n';
    }
    return text;
}

void add_audit_command(CLI::App& app) {
    auto root = std::make_shared<std::string>();
    auto* command = app.add_subcommand("audit",
                                       "Check the runbook's security items: secrets, .env, "
                                       "ModSecurity, networks, ports, healthchecks, routes");
    command->add_option("--root", *root,
                        "Checkout to audit (default: the repository around the current directory)");
    command->callback([root] {
        std::filesystem::path directory;
        if (root->empty()) {
            const auto found = find_repo_root(std::filesystem::current_path());
            if (!found) {
                std::cerr << "kronosctl: no Kronos checkout found from the current directory "
                             "upward; pass --root DIR\n";
                throw CLI::RuntimeError(2);
            }
            directory = *found;
        } else {
            directory = std::filesystem::absolute(*root).lexically_normal();
            if (!std::filesystem::is_regular_file(directory / "docker-compose.yml")) {
                std::cerr << "kronosctl: " << directory.string()
                          << " has no docker-compose.yml; pass the root of a Kronos checkout\n";
                throw CLI::RuntimeError(2);
            }
        }
        const auto results = run_audit(directory);
        std::size_t failed = 0;
        for (const auto& result : results) {
            std::cout << format_check(result);
            failed += result.passed() ? 0 : 1;
        }
        std::cout << '\n' << (results.size() - failed) << " passed, " << failed << " failed\n";
        if (failed > 0) {
            throw CLI::RuntimeError(1);
        }
    });
}

}  // namespace kronosctl
