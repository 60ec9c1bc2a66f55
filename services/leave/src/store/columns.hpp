#pragma once

// Conversions of column values that every store file reads the same way.

#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "kronos/core/date.hpp"
#include "kronos/core/errors.hpp"

namespace kronos::leave::store {

// A `date` column selected as `::text`, which PostgreSQL prints as YYYY-MM-DD with the
// default DateStyle ISO.
inline core::Date date_column(const pqxx::field& field) {
    const std::string text = field.as<std::string>();
    const auto date = core::parse_date(text);
    if (!date) {
        throw core::ApiError::internal("unexpected date from the database: " + text);
    }
    return *date;
}

// A nullable text column.
inline std::optional<std::string> optional_text(const pqxx::field& field) {
    if (field.is_null()) {
        return std::nullopt;
    }
    return field.as<std::string>();
}

}  // namespace kronos::leave::store
