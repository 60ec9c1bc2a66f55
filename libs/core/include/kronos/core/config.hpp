#pragma once

// Configuration from environment variables. Every secret may instead come from a file named
// by `<NAME>_FILE` (Docker and Kubernetes secrets). A missing or malformed value throws
// ConfigError naming the variable; main() prints it and exits with status 2.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace kronos::core {

class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

namespace config {

std::string required(const std::string& name);
std::string optional(const std::string& name, const std::string& fallback);
// NAME, or the contents of the file NAME_FILE (trailing newline removed); not both.
std::string secret(const std::string& name);
std::optional<std::string> optional_secret(const std::string& name);
std::int64_t integer(const std::string& name, std::int64_t fallback, std::int64_t min,
                     std::int64_t max);

}  // namespace config
}  // namespace kronos::core
