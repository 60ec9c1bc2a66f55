#pragma once

// Helpers for binding nullable values with pqxx 6, which sends a null `const char*` as SQL NULL.

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>

namespace kronos::expense::store {

inline const char* nullable(const std::optional<std::string>& value) {
    return value ? value->c_str() : nullptr;
}

inline std::optional<std::string> nullable_text(const pqxx::field& field) {
    if (field.is_null()) {
        return std::nullopt;
    }
    return field.as<std::string>();
}

inline std::optional<std::int64_t> nullable_integer(const pqxx::field& field) {
    if (field.is_null()) {
        return std::nullopt;
    }
    return field.as<std::int64_t>();
}

inline std::optional<std::string> integer_text(const std::optional<std::int64_t>& value) {
    if (!value) {
        return std::nullopt;
    }
    return std::to_string(*value);
}

}  // namespace kronos::expense::store
