#pragma once

// restart, rebuild, reload-gateway and migrate: the runbook's operations for the native stack
// (supervisord, cmake, nginx, alembic) and for Docker Compose.

#include <filesystem>
#include <string>
#include <vector>

#include "context.hpp"

namespace kronosctl {

// Schemas with a migrations/<schema>/ folder, sorted.
std::vector<std::string> find_migration_schemas(const std::filesystem::path& root);

// Tests the gateway configuration with nginx -t. Returns true when nginx accepts it; OUTPUT
// receives nginx's messages either way.
bool test_gateway_config(const Context& context, std::string& output);

}  // namespace kronosctl
