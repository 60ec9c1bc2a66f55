#pragma once

// The runbook's troubleshooting table as rules without I/O: each function turns the evidence that
// `kronosctl doctor` collected (probe results, supervisor states, /ready bodies, nginx files and
// error log lines) into findings. doctor.cpp collects the evidence.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kronosctl::doctor {

struct Finding {
    std::string subject;  // service name, "postgres", "redis" or "gateway"
    std::string cause;    // the runbook's "likely cause"
    std::vector<std::string> evidence;
    std::vector<std::string> fixes;
};

// Outcome of one HTTP GET with short timeouts.
struct Probe {
    std::string url;
    bool connected = false;  // the TCP connection was accepted
    bool timed_out = false;  // connected, but no complete response before the read timeout
    int status = 0;          // 0 when no response
    std::string body;
    std::string error;  // why there is no response
};

// Evidence about one service.
struct ServiceEvidence {
    std::string name;
    int port = 0;
    std::string process_state;  // RUNNING, STOPPED, EXITED, ... ; empty when unknown
    Probe direct_health;        // the service's own port
    std::optional<Probe> gateway_health;
    std::optional<Probe> gateway_ready;
};

// Where the gateway sends a service's requests: a `server HOST:PORT` line of an upstream block,
// or the `default HOST:PORT` line of a `map ... $kronos_upstream_<name>` block.
struct UpstreamServer {
    std::string upstream;  // kronos_auth, for both forms
    std::string host;
    int port = 0;
    std::string file;
    int line = 0;
    bool from_map = false;
};

// A request the WAF blocked, from the nginx error log.
struct WafBlock {
    std::string request_id;  // ModSecurity's unique_id, which is the gateway's request id
    std::string uri;
    std::string time;                   // the log line's timestamp, "2024/05/01 10:00:00"
    std::vector<std::string> rule_ids;  // rules that matched, the anomaly-score rules last
};

// The state column of `supervisorctl status NAME` output ("leave  STOPPED  Jan 01 ..."), or
// empty when the line has none.
std::string supervisor_state(const std::string& status_output);

// The pid from `supervisorctl status` output ("... RUNNING   pid 1234, uptime ..."), or 0.
int supervisor_pid(const std::string& status_output);

// Upstream server lines and "host:port" map defaults of an nginx file, with file and line
// number. A map default that names an upstream group is left to that group's server lines.
std::vector<UpstreamServer> parse_upstreams(const std::string& text, const std::string& file);

// Checks each service's upstream against where the service listens: `expected` maps a service
// name to the hosts allowed and its port. Returns a "wrong internal URL" finding per mismatch.
struct ExpectedAddress {
    std::vector<std::string> hosts;
    int port = 0;
};
std::vector<Finding> check_upstreams(const std::vector<UpstreamServer>& servers,
                                     const std::map<std::string, ExpectedAddress>& expected);

// Findings about one service from its probes and process state.
std::vector<Finding> diagnose_service(const ServiceEvidence& evidence, bool native);

// Findings from a /ready 503 body (`checks`: database, redis, migrations, ...).
// NATIVE picks the fix commands: kronosctl's on the native stack, docker-compose's otherwise.
std::vector<Finding> diagnose_ready(const std::string& service, const Probe& ready,
                                    bool native = true);

// Requests blocked by ModSecurity, grouped by request id, from nginx error log lines. Only
// blocks whose log line time is at or after `since` ("YYYY/MM/DD HH:MM:SS"; empty: all) count.
std::vector<WafBlock> parse_waf_blocks(const std::string& log_text, const std::string& since);

// A "WAF false positive" finding for a block, with the exclusion to add.
// EXCLUSION_ID is the id the suggested exclusion rule gets: a free one of modsecurity_custom.conf.
Finding diagnose_waf_block(const WafBlock& block, int exclusion_id = 10900);

}  // namespace kronosctl::doctor
