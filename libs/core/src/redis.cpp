#include "kronos/core/redis.hpp"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <charconv>

#include "kronos/core/config.hpp"
#include "kronos/core/errors.hpp"

namespace kronos::core {

namespace {

struct RedisAddress {
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string username;
    std::string password;
    int database = 0;
};

// Parses redis://[[user]:password@]host[:port][/db].
RedisAddress parse_url(const std::string& url) {
    constexpr std::string_view scheme = "redis://";
    if (url.rfind(scheme, 0) != 0) {
        throw ConfigError("REDIS_URL must start with redis://");
    }
    std::string rest = url.substr(scheme.size());
    RedisAddress address;
    auto at = rest.rfind('@');
    if (at != std::string::npos) {
        std::string credentials = rest.substr(0, at);
        rest = rest.substr(at + 1);
        auto colon = credentials.find(':');
        if (colon == std::string::npos) {
            address.password = credentials;
        } else {
            address.username = credentials.substr(0, colon);
            address.password = credentials.substr(colon + 1);
        }
    }
    auto slash = rest.find('/');
    if (slash != std::string::npos) {
        std::string db = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
        if (!db.empty()) {
            auto [end, error] = std::from_chars(db.data(), db.data() + db.size(), address.database);
            if (error != std::errc() || end != db.data() + db.size()) {
                throw ConfigError("REDIS_URL has an invalid database number.");
            }
        }
    }
    auto colon = rest.rfind(':');
    if (colon != std::string::npos) {
        std::string port = rest.substr(colon + 1);
        rest = rest.substr(0, colon);
        auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), address.port);
        if (error != std::errc() || end != port.data() + port.size() || address.port < 1 ||
            address.port > 65535) {
            throw ConfigError("REDIS_URL has an invalid port.");
        }
    }
    if (!rest.empty()) {
        address.host = rest;
    }
    return address;
}

timeval to_timeval(std::chrono::milliseconds timeout) {
    timeval value{};
    value.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    value.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    return value;
}

RedisReply convert(const redisReply* reply) {
    RedisReply result;
    switch (reply->type) {
        case REDIS_REPLY_STRING:
            result.type = RedisReply::Type::string;
            result.text.assign(reply->str, reply->len);
            break;
        case REDIS_REPLY_STATUS:
            result.type = RedisReply::Type::status;
            result.text.assign(reply->str, reply->len);
            break;
        case REDIS_REPLY_ERROR:
            result.type = RedisReply::Type::error;
            result.text.assign(reply->str, reply->len);
            break;
        case REDIS_REPLY_INTEGER:
            result.type = RedisReply::Type::integer;
            result.integer = reply->integer;
            break;
        case REDIS_REPLY_ARRAY:
            result.type = RedisReply::Type::array;
            for (std::size_t i = 0; i < reply->elements; ++i) {
                result.elements.push_back(convert(reply->element[i]));
            }
            break;
        default:
            result.type = RedisReply::Type::nil;
            break;
    }
    return result;
}

ApiError redis_unavailable(const std::string& detail) {
    return ApiError::unavailable("Redis is not reachable; try again shortly.")
        .with_log_detail("redis: " + detail);
}

}  // namespace

RedisConnection::RedisConnection(const std::string& url, std::chrono::milliseconds timeout) {
    const auto address = parse_url(url);
    context_ = redisConnectWithTimeout(address.host.c_str(), address.port, to_timeval(timeout));
    if (context_ == nullptr || context_->err != 0) {
        std::string reason = context_ != nullptr ? context_->errstr : "out of memory";
        if (context_ != nullptr) {
            redisFree(context_);
            context_ = nullptr;
        }
        throw redis_unavailable("connect to " + address.host + ":" + std::to_string(address.port) +
                                " failed: " + reason);
    }
    redisSetTimeout(context_, to_timeval(timeout));

    if (!address.password.empty()) {
        std::vector<std::string> auth{"AUTH"};
        if (!address.username.empty()) {
            auth.push_back(address.username);
        }
        auth.push_back(address.password);
        auto reply = command(auth);
        if (reply.type == RedisReply::Type::error) {
            throw redis_unavailable("authentication failed: " + reply.text);
        }
    }
    if (address.database != 0) {
        auto reply = command({"SELECT", std::to_string(address.database)});
        if (reply.type == RedisReply::Type::error) {
            throw redis_unavailable("SELECT failed: " + reply.text);
        }
    }
}

RedisConnection::~RedisConnection() {
    if (context_ != nullptr) {
        redisFree(context_);
    }
}

void RedisConnection::set_timeout(std::chrono::milliseconds timeout) {
    redisSetTimeout(context_, to_timeval(timeout));
}

RedisReply RedisConnection::command(const std::vector<std::string>& args) {
    if (broken_) {
        throw redis_unavailable("connection already failed");
    }
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (const auto& arg : args) {
        argv.push_back(arg.data());
        lengths.push_back(arg.size());
    }
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(context_, static_cast<int>(args.size()), argv.data(), lengths.data()));
    if (reply == nullptr) {
        broken_ = true;
        throw redis_unavailable(std::string("command failed: ") + context_->errstr);
    }
    RedisReply result = convert(reply);
    freeReplyObject(reply);
    return result;
}

Redis::Redis(Options options) : options_(std::move(options)) {
    parse_url(options_.url);
}

RedisReply Redis::command(const std::vector<std::string>& args) {
    std::unique_ptr<RedisConnection> connection;
    {
        std::unique_lock lock(mutex_);
        const bool ready = available_.wait_for(lock, options_.timeout * 5, [this] {
            return !idle_.empty() || open_count_ < options_.pool_size;
        });
        if (!ready) {
            throw redis_unavailable("timed out waiting for a free connection");
        }
        if (!idle_.empty()) {
            connection = std::move(idle_.back());
            idle_.pop_back();
        } else {
            ++open_count_;
        }
    }

    auto give_back = [this](std::unique_ptr<RedisConnection> used) {
        {
            std::lock_guard lock(mutex_);
            if (used && !used->broken()) {
                idle_.push_back(std::move(used));
            } else {
                --open_count_;
            }
        }
        available_.notify_one();
    };

    try {
        if (!connection) {
            connection = std::make_unique<RedisConnection>(options_.url, options_.timeout);
        }
        auto reply = connection->command(args);
        give_back(std::move(connection));
        return reply;
    } catch (...) {
        give_back(nullptr);
        throw;
    }
}

bool Redis::ping() {
    try {
        auto reply = command({"PING"});
        return reply.type == RedisReply::Type::status && reply.text == "PONG";
    } catch (const std::exception&) {
        return false;
    }
}

std::unique_ptr<RedisConnection> Redis::dedicated(std::chrono::milliseconds timeout) {
    return std::make_unique<RedisConnection>(options_.url, timeout);
}

}  // namespace kronos::core
