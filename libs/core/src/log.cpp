#include "kronos/core/log.hpp"

#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "kronos/core/config.hpp"

namespace kronos::core::log {

namespace {

std::mutex output_mutex;
std::string service_name = "kronos";
Level minimum_level = Level::info;

const char* level_name(Level level) {
    switch (level) {
        case Level::debug:
            return "debug";
        case Level::info:
            return "info";
        case Level::warn:
            return "warn";
        case Level::error:
            return "error";
    }
    return "info";
}

std::string timestamp() {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const auto seconds = system_clock::to_time_t(now);
    const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<int>(millis));
    return buffer;
}

}  // namespace

void init(std::string service, Level minimum) {
    std::lock_guard lock(output_mutex);
    service_name = std::move(service);
    minimum_level = minimum;
}

Level parse_level(std::string_view text) {
    if (text == "debug") return Level::debug;
    if (text == "info") return Level::info;
    if (text == "warn" || text == "warning") return Level::warn;
    if (text == "error") return Level::error;
    throw ConfigError("LOG_LEVEL must be debug, info, warn or error, got '" + std::string(text) +
                      "'.");
}

bool enabled(Level level) {
    return level >= minimum_level;
}

void write(Level level, std::string_view event, boost::json::object fields) {
    if (!enabled(level)) {
        return;
    }
    boost::json::object line;
    line["ts"] = timestamp();
    line["level"] = level_name(level);
    line["service"] = service_name;
    line["event"] = event;
    for (auto& member : fields) {
        line[member.key()] = std::move(member.value());
    }
    std::string text = boost::json::serialize(line);
    text.push_back('\n');
    std::lock_guard lock(output_mutex);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

}  // namespace kronos::core::log
