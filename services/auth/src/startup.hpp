#pragma once

#include <stop_token>

#include "http/context.hpp"

namespace kronos::auth {

// Runs the start-up work as a background task once the database is reachable and migrated.
// It creates the bootstrap admin when no active admin exists, then publishes every user to the
// directory stream. Returns early when `stop` is requested.
void run_startup_tasks(AuthContext& context, const std::string& expected_migration,
                       std::stop_token stop);

}  // namespace kronos::auth
