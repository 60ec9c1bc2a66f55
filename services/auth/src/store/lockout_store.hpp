#pragma once

// Failed sign-in counters and account locks in Redis, keyed by the SHA-256 of the normalised
// email. Unknown emails are counted and locked like known ones, so responses do not reveal
// which emails exist. The keys are:
//   kronos:auth:lockout:<hash>:failures  failures in the current window (expires with it)
//   kronos:auth:lockout:<hash>:level     lockouts so far (expires after the policy's memory)
//   kronos:auth:lockout:<hash>:lock      present while the account is locked (expires with it)

#include <chrono>
#include <optional>
#include <string>

#include "domain/lockout.hpp"
#include "kronos/core/redis.hpp"

namespace kronos::auth::store {

class LoginLockout {
  public:
    LoginLockout(core::Redis& redis, LockoutPolicy policy) : redis_(redis), policy_(policy) {}

    // Time left on the lock of this email, or nullopt when it is not locked.
    std::optional<std::chrono::seconds> remaining_lock(const std::string& email);

    // Counts a failed sign-in; returns the lock time when this failure locked the account.
    std::optional<std::chrono::seconds> record_failure(const std::string& email);

    // Forgets the failures and the lockout count after a successful sign-in.
    void record_success(const std::string& email);

    // Clears a lock, the failures and the lockout count (the admin unlock).
    void clear(const std::string& email);

  private:
    core::Redis& redis_;
    LockoutPolicy policy_;
};

}  // namespace kronos::auth::store
