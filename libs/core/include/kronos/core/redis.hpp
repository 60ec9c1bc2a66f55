#pragma once

// A small pool of hiredis connections with connect and command timeouts. Commands are sent as
// argument vectors (never formatted strings), so values need no escaping.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

struct redisContext;

namespace kronos::core {

struct RedisReply {
    enum class Type { nil, string, integer, array, status, error };
    Type type = Type::nil;
    std::string text;  // string, status or error text
    std::int64_t integer = 0;
    std::vector<RedisReply> elements;

    bool is_nil() const { return type == Type::nil; }
};

class RedisConnection {
  public:
    RedisConnection(const std::string& url, std::chrono::milliseconds timeout);
    ~RedisConnection();
    RedisConnection(const RedisConnection&) = delete;
    RedisConnection& operator=(const RedisConnection&) = delete;

    // Sends one command; throws ApiError::unavailable when the connection fails or times out.
    // An error reply from Redis is returned as Type::error.
    RedisReply command(const std::vector<std::string>& args);
    // Changes the read timeout (for blocking reads such as XREAD BLOCK).
    void set_timeout(std::chrono::milliseconds timeout);
    bool broken() const { return broken_; }

  private:
    redisContext* context_ = nullptr;
    bool broken_ = false;
};

class Redis {
  public:
    struct Options {
        std::string url;  // redis://[:password@]host:port[/db]
        std::chrono::milliseconds timeout{1000};
        std::size_t pool_size = 8;
    };

    explicit Redis(Options options);

    // Runs one command on a pooled connection; throws ApiError::unavailable on failure.
    RedisReply command(const std::vector<std::string>& args);
    bool ping();
    // A connection of its own, outside the pool (for blocking stream reads).
    std::unique_ptr<RedisConnection> dedicated(std::chrono::milliseconds timeout);

  private:
    Options options_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<RedisConnection>> idle_;
    std::size_t open_count_ = 0;
};

}  // namespace kronos::core
