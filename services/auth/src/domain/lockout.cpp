#include "domain/lockout.hpp"

namespace kronos::auth {

std::chrono::seconds LockoutPolicy::lock_duration(std::int64_t lockout_number) const {
    auto duration = first_lock;
    for (std::int64_t i = 1; i < lockout_number && duration < max_lock; ++i) {
        duration *= 2;
    }
    return duration < max_lock ? duration : max_lock;
}

}  // namespace kronos::auth
