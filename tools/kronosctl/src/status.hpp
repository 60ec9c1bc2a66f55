#pragma once

// `kronosctl status`: every service of docker-compose.yml with its process state and its health
// through the gateway and on its own port. The checklist reuses collect_status.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "context.hpp"

namespace kronosctl {

struct ProcessState {
    std::string state;  // RUNNING, STOPPED, FATAL ... (supervisor) or running, exited (Compose)
    std::string description;  // supervisor's "pid 12, uptime 0:01:02", or Docker's Status
    std::string health;       // Docker's healthcheck state: healthy, unhealthy, starting or empty
    std::optional<int> exit_code;
};

// Parses `supervisorctl status` output: "name   STATE   description" lines.
std::map<std::string, ProcessState> parse_supervisor_status(const std::string& output);

// Parses `docker compose ps --format json`: a JSON array (Compose before 2.21) or one object per
// line (2.21 and later). Keys are the Compose service names. Sets ERROR on invalid JSON.
std::map<std::string, ProcessState> parse_compose_ps(const std::string& output, std::string& error);

// Parses the table of docker-compose 1.x `ps -a` (Name, Command, State, Ports), which has no
// JSON format. Container names "<project>_<service>_<index>" are mapped to the service of
// SERVICES whose name they contain; rows of other containers are skipped.
std::map<std::string, ProcessState> parse_compose_v1_ps(const std::string& output,
                                                        const std::vector<std::string>& services);

struct ServiceStatus {
    std::string name;
    std::string process;  // e.g. "RUNNING pid 12" or "exited (0)"
    std::string gateway;  // e.g. "health 200, ready 200" or "-"
    std::string direct;   // e.g. ":8001 health 200, ready 200"
    bool healthy = false;
    std::vector<std::string> problems;
};

struct StatusReport {
    // Set when the stack could not be inspected at all (not running, no Compose engine).
    std::string fatal_error;
    std::vector<ServiceStatus> services;
    bool all_healthy() const;
};

StatusReport collect_status(const Context& context);

// Status of one service of docker-compose.yml (restart waits on it). A fatal error, such as a
// stack that is not running, comes back as a problem of that service.
ServiceStatus check_service(const Context& context, const std::string& name);
std::string format_status_table(const StatusReport& report);

}  // namespace kronosctl
