#pragma once

// Leave amounts in tenths of a day, and their decimal string form ("2.5", "-1.0") used by the
// API for durations, balances and adjustments.

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/error.hpp"

namespace kronos::leave::domain {

// A number of days times ten. Requests only produce multiples of kHalfDay, but adjustments
// may carry any tenth.
using Tenths = std::int64_t;

inline constexpr Tenths kFullDay = 10;
inline constexpr Tenths kHalfDay = 5;

// Parses an optional '-', one or more digits without superfluous leading zeros, and an optional
// '.' followed by exactly one digit: "3", "2.5", "-1.0". Rejects '+', exponents, spaces, more
// than one decimal and values outside Tenths. Errors are ErrorKind::invalid on `field`.
Result<Tenths> parse_days(std::string_view text, std::string_view field = "days");

// Formats with exactly one decimal: 25 -> "2.5", -5 -> "-0.5", 100 -> "10.0".
std::string format_days(Tenths days);

}  // namespace kronos::leave::domain
