#pragma once

// `kronosctl audit`: the runbook's security table as checks over a checkout. Secrets stay in
// .env (tracked files hold none), ModSecurity filters every request, the services sit on the
// internal network only, only the gateway publishes ports (80 and 443), healthchecks gate the
// start order, and every nginx route reaches a Compose service on its port.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "compose_model.hpp"

namespace kronosctl {

// A line carrying this marker is not reported by the secret scan (known test fixtures).
inline constexpr std::string_view audit_allow_marker = "kronos-audit: allow";

struct Finding {
    std::string file;  // relative to the checkout root
    int line = 0;      // 1-based; 0 when the finding concerns the whole file
    std::string message;

    std::string location() const { return line > 0 ? file + ":" + std::to_string(line) : file; }
};

struct CheckResult {
    std::string
        name;  // short id: secrets, env-file, modsecurity, networks, ports, healthchecks, routes
    std::string summary;  // what the check asserts, one line
    std::vector<Finding> findings;
    std::string detail;  // shown after PASS, e.g. how many files were scanned

    bool passed() const { return findings.empty(); }
};

// Shannon entropy of TEXT in bits per character.
double shannon_entropy(std::string_view text);

// Minimum length and entropy (bits per character) of a string reported as a likely secret.
inline constexpr std::size_t high_entropy_min_length = 24;
inline constexpr double high_entropy_threshold = 4.5;

// Scans one file's text. CODE_FILE enables the high-entropy rule, which is meant for source,
// Compose and nginx files rather than documentation.
std::vector<Finding> scan_text_for_secrets(const std::string& file, std::string_view text,
                                           bool code_file);

// Whether the secret scan treats PATH (relative) as code, Compose or nginx configuration.
bool is_code_file(const std::filesystem::path& path);

CheckResult check_secrets(const std::filesystem::path& root,
                          const std::vector<std::string>& tracked_files);
CheckResult check_env_not_tracked(const std::vector<std::string>& tracked_files);
CheckResult check_modsecurity(const std::filesystem::path& root);
CheckResult check_networks(const ComposeFile& compose, const std::string& compose_name);
CheckResult check_ports(const ComposeFile& compose, const std::string& compose_name);
CheckResult check_healthchecks(const ComposeFile& compose, const std::string& compose_name);
CheckResult check_routes(const std::filesystem::path& root, const ComposeFile& compose);

// Tracked files of the checkout (git ls-files). Sets ERROR when ROOT is not a git checkout.
std::vector<std::string> list_tracked_files(const std::filesystem::path& root, std::string& error);

// Runs every check on the checkout at ROOT.
std::vector<CheckResult> run_audit(const std::filesystem::path& root);

// The secret check and the network checks, for the checklist.
std::vector<CheckResult> run_secret_audit(const std::filesystem::path& root);
std::vector<CheckResult> run_network_audit(const std::filesystem::path& root);

std::string format_check(const CheckResult& result);

}  // namespace kronosctl
