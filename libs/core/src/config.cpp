#include "kronos/core/config.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace kronos::core::config {

namespace {

std::optional<std::string> env(const std::string& name) {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0') {
        return std::nullopt;
    }
    return std::string(value);
}

}  // namespace

std::string required(const std::string& name) {
    auto value = env(name);
    if (!value) {
        throw ConfigError(name + " is not set; set it in the environment (see .env.example).");
    }
    return *value;
}

std::string optional(const std::string& name, const std::string& fallback) {
    return env(name).value_or(fallback);
}

std::optional<std::string> optional_secret(const std::string& name) {
    auto direct = env(name);
    auto file = env(name + "_FILE");
    if (direct && file) {
        throw ConfigError(name + " and " + name + "_FILE are both set; keep only one.");
    }
    if (direct) {
        return direct;
    }
    if (!file) {
        return std::nullopt;
    }
    std::ifstream stream(*file, std::ios::binary);
    if (!stream) {
        throw ConfigError(name + "_FILE names '" + *file + "', which cannot be read.");
    }
    std::ostringstream contents;
    contents << stream.rdbuf();
    std::string value = contents.str();
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) {
        value.pop_back();
    }
    if (value.empty()) {
        throw ConfigError(name + "_FILE names '" + *file + "', which is empty.");
    }
    return value;
}

std::string secret(const std::string& name) {
    auto value = optional_secret(name);
    if (!value) {
        throw ConfigError(name + " is not set; set " + name + " or " + name +
                          "_FILE (a file holding the value).");
    }
    return *value;
}

std::int64_t integer(const std::string& name, std::int64_t fallback, std::int64_t min,
                     std::int64_t max) {
    auto text = env(name);
    if (!text) {
        return fallback;
    }
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size() || value < min || value > max) {
        throw ConfigError(name + " must be a whole number from " + std::to_string(min) + " to " +
                          std::to_string(max) + ", got '" + *text + "'.");
    }
    return value;
}

}  // namespace kronos::core::config
