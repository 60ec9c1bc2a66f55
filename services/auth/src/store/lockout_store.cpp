#include "store/lockout_store.hpp"

#include "kronos/core/errors.hpp"
#include "kronos/core/token.hpp"

namespace kronos::auth::store {

namespace {

struct LockoutKeys {
    std::string failures;
    std::string level;
    std::string lock;
};

LockoutKeys keys_for(const std::string& email) {
    const std::string base = "kronos:auth:lockout:" + core::sha256_hex(email);
    return {base + ":failures", base + ":level", base + ":lock"};
}

// Counts one failure atomically. The window starts at the first failure. When the count
// reaches the maximum, the counter restarts and the lockout level goes up by one. The script
// returns that level, or 0 when the account stays unlocked.
//   KEYS: failures, level   ARGV: window seconds, max failures, level memory seconds
constexpr const char* kRecordFailureScript = R"(
local failures = redis.call('INCR', KEYS[1])
if failures == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if failures < tonumber(ARGV[2]) then return 0 end
redis.call('DEL', KEYS[1])
local level = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return level
)";

void check(const core::RedisReply& reply, const char* command) {
    if (reply.type == core::RedisReply::Type::error) {
        throw core::ApiError::internal(std::string("Redis ") + command + " failed: " + reply.text);
    }
}

}  // namespace

std::optional<std::chrono::seconds> LoginLockout::remaining_lock(const std::string& email) {
    const auto keys = keys_for(email);
    const auto reply = redis_.command({"TTL", keys.lock});
    check(reply, "TTL");
    // TTL returns -2 for a missing key and -1 for a key without expiry (never written here).
    if (reply.type != core::RedisReply::Type::integer || reply.integer <= 0) {
        return std::nullopt;
    }
    return std::chrono::seconds(reply.integer);
}

std::optional<std::chrono::seconds> LoginLockout::record_failure(const std::string& email) {
    const auto keys = keys_for(email);
    const auto reply = redis_.command({"EVAL", kRecordFailureScript, "2", keys.failures, keys.level,
                                       std::to_string(policy_.failure_window.count()),
                                       std::to_string(policy_.max_failures),
                                       std::to_string(policy_.level_memory.count())});
    check(reply, "EVAL");
    if (reply.type != core::RedisReply::Type::integer || reply.integer <= 0) {
        return std::nullopt;
    }
    const auto duration = policy_.lock_duration(reply.integer);
    check(redis_.command({"SET", keys.lock, "1", "EX", std::to_string(duration.count())}), "SET");
    return duration;
}

void LoginLockout::record_success(const std::string& email) {
    const auto keys = keys_for(email);
    check(redis_.command({"DEL", keys.failures, keys.level}), "DEL");
}

void LoginLockout::clear(const std::string& email) {
    const auto keys = keys_for(email);
    check(redis_.command({"DEL", keys.failures, keys.level, keys.lock}), "DEL");
}

}  // namespace kronos::auth::store
