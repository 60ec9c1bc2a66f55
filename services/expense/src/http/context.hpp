#pragma once

#include <string>

#include "kronos/core/db.hpp"

namespace kronos::expense::http {

// State every handler needs besides the request.
struct Context {
    core::Database& db;
    std::string base_currency;  // EXPENSE_BASE_CURRENCY, validated at start
};

}  // namespace kronos::expense::http
