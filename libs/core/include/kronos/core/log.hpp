#pragma once

// JSON log lines on stdout: `ts`, `level`, `service`, `event`, then the event's fields.
// Never pass secrets, passwords or tokens as fields.

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

namespace kronos::core::log {

enum class Level { debug, info, warn, error };

void init(std::string service, Level minimum);
Level parse_level(std::string_view text);  // throws ConfigError on an unknown level
bool enabled(Level level);
void write(Level level, std::string_view event, boost::json::object fields = {});

inline void debug(std::string_view event, boost::json::object fields = {}) {
    write(Level::debug, event, std::move(fields));
}
inline void info(std::string_view event, boost::json::object fields = {}) {
    write(Level::info, event, std::move(fields));
}
inline void warn(std::string_view event, boost::json::object fields = {}) {
    write(Level::warn, event, std::move(fields));
}
inline void error(std::string_view event, boost::json::object fields = {}) {
    write(Level::error, event, std::move(fields));
}

}  // namespace kronos::core::log
