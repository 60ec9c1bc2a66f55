#pragma once

// An RFC 4180 CSV reader for the user import: quoted fields, doubled quotes, commas and line
// breaks inside quotes, an optional UTF-8 byte order mark, CRLF or LF line endings.
//
// Beyond RFC 4180 it accepts a quote inside an unquoted field as a literal character, and skips
// blank lines. A record that cannot be read (text after a closing quote, a quote left open at
// the end of the input) is returned with `error` set, so the caller can report it by line and
// go on with the others.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kronos::auth {

struct CsvRecord {
    std::size_t line = 0;  // physical line (1-based) on which the record starts
    std::vector<std::string> fields;
    std::optional<std::string> error;
};

std::vector<CsvRecord> parse_csv(std::string_view text);

}  // namespace kronos::auth
