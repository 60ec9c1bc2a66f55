#pragma once

// Date literals for the leave domain tests.

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>

#include "kronos/core/date.hpp"

namespace kronos::leave::domain::testing {

// Parses an ISO date written in a test and throws on a typo, so the test fails loudly.
inline kronos::core::Date date(std::string_view text) {
    const auto parsed = kronos::core::parse_date(text);
    if (!parsed) {
        throw std::invalid_argument("bad test date " + std::string(text));
    }
    return *parsed;
}

}  // namespace kronos::leave::domain::testing
