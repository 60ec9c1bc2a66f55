#pragma once

// The login lockout schedule. After `max_failures` failed sign-ins within `failure_window`,
// the account is locked for `first_lock`. Each further lockout within `level_memory` doubles
// the lock time, up to `max_lock`.

#include <chrono>
#include <cstdint>

namespace kronos::auth {

struct LockoutPolicy {
    std::int64_t max_failures = 5;
    std::chrono::seconds failure_window{15 * 60};
    std::chrono::seconds first_lock{60};
    std::chrono::seconds max_lock{60 * 60};
    // How long the lockout count is remembered after the last lockout.
    std::chrono::seconds level_memory{24 * 60 * 60};

    // Lock time for the `lockout_number`-th lockout (1 for the first).
    std::chrono::seconds lock_duration(std::int64_t lockout_number) const;
};

}  // namespace kronos::auth
