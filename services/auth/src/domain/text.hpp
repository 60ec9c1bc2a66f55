#pragma once

// Small text helpers shared by the domain rules. Input is UTF-8 bytes.

#include <cstddef>
#include <string>
#include <string_view>

namespace kronos::auth {

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool is_valid_utf8(std::string_view text);

// The number of code points in well-formed UTF-8 `text`.
std::size_t count_code_points(std::string_view text);

// Lower-cases ASCII letters only; other bytes are kept as they are.
std::string ascii_lower(std::string_view text);

// Removes spaces, tabs, CR and LF from both ends.
std::string_view trim(std::string_view text);

// Whether `text` contains a C0 control character or DEL.
bool has_control_character(std::string_view text);

}  // namespace kronos::auth
