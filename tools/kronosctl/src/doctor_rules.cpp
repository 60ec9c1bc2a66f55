#include "doctor_rules.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <regex>
#include <set>
#include <sstream>

namespace kronosctl::doctor {

namespace {

bool process_down(const std::string& state) {
    return state == "STOPPED" || state == "EXITED" || state == "FATAL" || state == "BACKOFF" ||
           state == "exited" || state == "dead" || state == "created" || state == "paused";
}

std::string describe(const Probe& probe) {
    if (probe.status != 0) {
        return "GET " + probe.url + " returned " + std::to_string(probe.status);
    }
    if (probe.timed_out) {
        return "GET " + probe.url + " connected but got no response: " + probe.error;
    }
    return "GET " + probe.url + " failed: " + probe.error;
}

// CRS rules that add up the anomaly score and block. The report lists the rules that matched the
// request before them, because an exclusion names those.
bool is_anomaly_rule(const std::string& id) {
    return id.starts_with("949") || id.starts_with("959") || id.starts_with("980");
}

std::string field(const std::string& line, const std::string& name) {
    const std::string open = "[" + name + " \"";
    const auto start = line.find(open);
    if (start == std::string::npos) {
        return {};
    }
    const auto value = start + open.size();
    const auto end = line.find("\"]", value);
    return end == std::string::npos ? std::string{} : line.substr(value, end - value);
}

std::vector<std::string> all_ids(const std::string& line) {
    static const std::regex id(R"re(\[id "([0-9]+)"\])re");
    std::vector<std::string> ids;
    for (std::sregex_iterator it(line.begin(), line.end(), id), end; it != end; ++it) {
        ids.push_back((*it)[1].str());
    }
    return ids;
}

}  // namespace

std::string supervisor_state(const std::string& status_output) {
    std::istringstream stream(status_output);
    std::string name;
    std::string state;
    stream >> name >> state;
    const bool upper_case = !state.empty() && std::all_of(state.begin(), state.end(), [](char c) {
        return c >= 'A' && c <= 'Z';
    });
    return upper_case ? state : std::string{};
}

int supervisor_pid(const std::string& status_output) {
    static const std::regex pid(R"(\bpid ([0-9]+),)");
    std::smatch match;
    if (std::regex_search(status_output, match, pid)) {
        return std::stoi(match[1].str());
    }
    return 0;
}

std::vector<UpstreamServer> parse_upstreams(const std::string& text, const std::string& file) {
    static const std::regex upstream_open(R"(^\s*upstream\s+([A-Za-z0-9_]+)\s*\{)");
    static const std::regex map_open(R"(^\s*map\s+\S+\s+\$kronos_upstream_([A-Za-z0-9_]+)\s*\{)");
    static const std::regex server(R"(^\s*server\s+([^\s;]+):([0-9]+)\b)");
    static const std::regex map_default(R"(^\s*default\s+([^\s;:]+):([0-9]+)\s*;)");
    std::vector<UpstreamServer> servers;
    std::istringstream lines(text);
    std::string line;
    std::string current;
    bool in_map = false;
    int number = 0;
    while (std::getline(lines, line)) {
        ++number;
        std::smatch match;
        if (std::regex_search(line, match, upstream_open)) {
            current = match[1].str();
            in_map = false;
        } else if (std::regex_search(line, match, map_open)) {
            current = "kronos_" + match[1].str();
            in_map = true;
        } else if (!current.empty() &&
                   std::regex_search(line, match, in_map ? map_default : server)) {
            servers.push_back(
                {current, match[1].str(), std::stoi(match[2].str()), file, number, in_map});
        } else if (line.find('}') != std::string::npos) {
            current.clear();
        }
    }
    return servers;
}

std::vector<Finding> check_upstreams(const std::vector<UpstreamServer>& servers,
                                     const std::map<std::string, ExpectedAddress>& expected) {
    std::vector<Finding> findings;
    std::set<std::string> seen;
    for (const auto& server : servers) {
        if (!server.upstream.starts_with("kronos_")) {
            continue;
        }
        const std::string service = server.upstream.substr(7);
        seen.insert(service);
        const auto wanted = expected.find(service);
        const std::string where = server.file + ":" + std::to_string(server.line);
        if (wanted == expected.end()) {
            findings.push_back(
                {"gateway",
                 "wrong internal URL",
                 {where + ": upstream " + server.upstream + " points at " + server.host + ":" +
                  std::to_string(server.port) + ", but no service '" + service + "' is defined"},
                 {"remove the upstream or add the service (kronosctl add-service)"}});
            continue;
        }
        const auto& hosts = wanted->second.hosts;
        const bool host_ok = std::find(hosts.begin(), hosts.end(), server.host) != hosts.end();
        if (host_ok && server.port == wanted->second.port) {
            continue;
        }
        std::string expected_text = (hosts.empty() ? std::string("?") : hosts.front()) + ":" +
                                    std::to_string(wanted->second.port);
        const std::string label =
            server.from_map ? "$kronos_upstream_" + service : "upstream " + server.upstream;
        std::string detail = where + ": " + label + " points at " + server.host + ":" +
                             std::to_string(server.port) + ", but " + service + " listens on " +
                             expected_text;
        if (!host_ok) {
            detail += " ('" + server.host + "' is not the service's name or address)";
        }
        findings.push_back(
            {service,
             "wrong internal URL",
             {detail},
             {"set `" + std::string(server.from_map ? "default " : "server ") + expected_text +
              ";` at " + where + " and reload the gateway (kronosctl reload-gateway)"}});
    }
    for (const auto& [service, address] : expected) {
        if (!seen.contains(service)) {
            findings.push_back(
                {service,
                 "wrong internal URL",
                 {"the gateway has no address for " + service + ": no upstream kronos_" + service +
                  " and no map of $kronos_upstream_" + service + " with a host:port"},
                 {"add `map $host $kronos_upstream_" + service + " { default " +
                  (address.hosts.empty() ? std::string("?") : address.hosts.front()) + ":" +
                  std::to_string(address.port) + "; }` to the runtime http.conf"}});
        }
    }
    return findings;
}

std::vector<Finding> diagnose_service(const ServiceEvidence& evidence, bool native) {
    std::vector<Finding> findings;
    const std::string& name = evidence.name;
    const Probe& direct = evidence.direct_health;

    if (process_down(evidence.process_state) ||
        (native && !direct.connected && !direct.timed_out)) {
        Finding finding{name, "service not running", {}, {"kronosctl restart " + name}};
        if (evidence.gateway_health) {
            finding.evidence.push_back(describe(*evidence.gateway_health) + " via the gateway");
        }
        if (!evidence.process_state.empty()) {
            finding.evidence.push_back("process state " + evidence.process_state);
        }
        if (native) {
            finding.evidence.push_back(describe(direct));
        }
        findings.push_back(std::move(finding));
        return findings;
    }

    if (direct.timed_out) {
        findings.push_back(
            {name,
             "service unresponsive",
             {"127.0.0.1:" + std::to_string(evidence.port) + " accepts connections but " +
                  describe(direct),
              "process state " + (evidence.process_state.empty() ? std::string("unknown")
                                                                 : evidence.process_state)},
             {"look for a deadlock or crash: kronosctl logs " + name + " --errors",
              "then kronosctl restart " + name}});
        return findings;
    }

    if (evidence.gateway_health) {
        const Probe& gateway = *evidence.gateway_health;
        if (gateway.status == 502 || gateway.status == 504) {
            findings.push_back({name,
                                gateway.status == 502 ? "gateway cannot reach the service"
                                                      : "service unresponsive",
                                {describe(gateway) + " via the gateway",
                                 describe(direct) + " on the service's own port"},
                                {"check the upstream address of kronos_" + name +
                                 " in the gateway's runtime http.conf"}});
            // A service that responds on its own port needs no restart. The gateway's address
            // for it is wrong, which the upstream check names with its file and line.
            if (!(native && direct.status == 200)) {
                findings.back().fixes.push_back("kronosctl restart " + name);
            }
            return findings;
        }
    }

    if (evidence.gateway_ready && evidence.gateway_ready->status != 200) {
        auto ready = diagnose_ready(name, *evidence.gateway_ready, native);
        findings.insert(findings.end(), ready.begin(), ready.end());
    }
    return findings;
}

std::vector<Finding> diagnose_ready(const std::string& service, const Probe& ready, bool native) {
    std::vector<Finding> findings;
    boost::json::object checks;
    try {
        const auto parsed = boost::json::parse(ready.body);
        if (const auto* object = parsed.if_object()) {
            if (const auto* found = object->if_contains("checks"); found && found->is_object()) {
                checks = found->as_object();
            }
        }
    } catch (const std::exception&) {
        // Not JSON (the gateway's own error page, for example): reported below without checks.
    }

    const auto text = [&](const char* key) -> std::string {
        const auto* value = checks.if_contains(key);
        return value && value->is_string() ? std::string(value->as_string()) : std::string{};
    };
    const std::string evidence = describe(ready);

    if (const auto database = text("database"); !database.empty() && database != "ok") {
        findings.push_back({service,
                            "PostgreSQL not ready",
                            {evidence + ", check database: " + database},
                            {native ? "start PostgreSQL: kronosctl restart postgres"
                                    : "start PostgreSQL: docker-compose up -d postgres"}});
    }
    if (const auto redis = text("redis"); !redis.empty() && redis != "ok") {
        findings.push_back({service,
                            "Redis not ready",
                            {evidence + ", check redis: " + redis},
                            {native ? "start Redis: kronosctl restart redis"
                                    : "start Redis: docker-compose up -d redis"}});
    }
    if (const auto migrations = text("migrations");
        !migrations.empty() && migrations != "ok" && migrations != "unknown") {
        findings.push_back({service,
                            "schema behind its migrations",
                            {evidence + ", check migrations: " + migrations},
                            {"kronosctl migrate --schema " + service}});
    }
    // The other checks read the database, so while it is unreachable their failures are only
    // its echo and would send the operator after the wrong cause.
    const bool database_down = !text("database").empty() && text("database") != "ok";
    for (const auto& [key, value] : checks) {
        if (key == "database" || key == "redis" || key == "migrations" || database_down) {
            continue;
        }
        if (value.is_string() && value.as_string() != "ok") {
            findings.push_back(
                {service,
                 "readiness check '" + std::string(key) + "' failing",
                 {evidence + ", check " + std::string(key) + ": " + std::string(value.as_string())},
                 {"follow the check's message; kronosctl logs " + service}});
        }
    }
    if (findings.empty()) {
        findings.push_back(
            {service,
             "not ready",
             {evidence + (ready.body.empty() ? "" : ": " + ready.body.substr(0, 300))},
             {"kronosctl logs " + service + " --errors"}});
    }
    return findings;
}

std::vector<WafBlock> parse_waf_blocks(const std::string& log_text, const std::string& since) {
    std::map<std::string, WafBlock> by_request;
    std::set<std::string> blocked;
    std::vector<std::string> order;

    std::istringstream lines(log_text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.find("ModSecurity: ") == std::string::npos) {
            continue;
        }
        const std::string time = line.size() >= 19 ? line.substr(0, 19) : std::string{};
        if (!since.empty() && time < since) {
            continue;
        }
        const std::string request_id = field(line, "unique_id");
        if (request_id.empty()) {
            continue;
        }
        auto [entry, inserted] = by_request.try_emplace(request_id);
        if (inserted) {
            entry->second.request_id = request_id;
            order.push_back(request_id);
        }
        WafBlock& block = entry->second;
        if (block.uri.empty()) {
            block.uri = field(line, "uri");
        }
        block.time = time;
        for (const auto& id : all_ids(line)) {
            if (std::find(block.rule_ids.begin(), block.rule_ids.end(), id) ==
                block.rule_ids.end()) {
                block.rule_ids.push_back(id);
            }
        }
        // Only 403 denials are WAF blocks; rule 10004 rejects a content type with 415 on purpose.
        if (line.find("Access denied with code 403") != std::string::npos) {
            blocked.insert(request_id);
        }
    }

    std::vector<WafBlock> blocks;
    for (const auto& request_id : order) {
        if (!blocked.contains(request_id)) {
            continue;
        }
        WafBlock block = by_request.at(request_id);
        std::stable_partition(block.rule_ids.begin(), block.rule_ids.end(),
                              [](const std::string& id) { return !is_anomaly_rule(id); });
        blocks.push_back(std::move(block));
    }
    return blocks;
}

Finding diagnose_waf_block(const WafBlock& block, int exclusion_id) {
    std::string rules;
    for (const auto& id : block.rule_ids) {
        rules += (rules.empty() ? "" : ", ") + id;
    }
    // Every detection rule that matched adds to the anomaly score, so each one needs removing:
    // without one of them the score can still reach the threshold. The scoring rules stay.
    std::string removals;
    std::string first_rule;
    for (const auto& id : block.rule_ids) {
        if (!is_anomaly_rule(id)) {
            removals += ",ctl:ruleRemoveById=" + id;
            first_rule = first_rule.empty() ? id : first_rule;
        }
    }
    if (removals.empty()) {
        removals = ",ctl:ruleRemoveById=RULE_ID";
        first_rule = "RULE_ID";
    }
    std::string path = block.uri;
    if (const auto query = path.find('?'); query != std::string::npos) {
        path.resize(query);
    }
    return {"gateway",
            "WAF blocked a request (403); a false positive if the request was legitimate",
            {block.time + " rule " + rules + " blocked " + (path.empty() ? "?" : path) +
             ", request id " + block.request_id},
            {"if the request is legitimate, add an exclusion to nginx/modsecurity_custom.conf "
             "with a free local id, for example:\n"
             "        SecRule REQUEST_URI \"@beginsWith " +
             path + "\" \"id:" + std::to_string(exclusion_id) + ",phase:1,pass,nolog" + removals +
             "\"\n      or ctl:ruleRemoveTargetById=" + first_rule +
             ";ARGS:<name> to exempt one parameter only; then kronosctl reload-gateway"}};
}

}  // namespace kronosctl::doctor
