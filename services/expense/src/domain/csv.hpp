#pragma once

// Writing RFC 4180 CSV rows for the payroll report, with protection against spreadsheet
// formula injection in free-text cells.

#include <string>
#include <string_view>
#include <vector>

namespace kronos::expense::domain {

// `text` cells contain free text that users typed (titles, merchants, descriptions, names) and
// get the formula guard. `value` cells contain values the service formatted itself, such as ids,
// dates, amounts, currency codes and statuses. They are written without the guard, so a negative
// amount such as "-12.00" stays a number for the spreadsheet.
enum class CsvCellKind { text, value };

struct CsvCell {
    std::string_view content;
    CsvCellKind kind = CsvCellKind::text;
};

// Quotes a field when it contains a comma, a double quote, CR or LF, doubling inner quotes.
std::string quote_csv_field(std::string_view field);

// Prefixes a single quote to a field starting with '=', '+', '-', '@', tab, CR or NUL, which
// spreadsheets would otherwise evaluate as a formula (OWASP ASVS 5.0 requirement 1.2.10,
// CWE-1236). The prefix changes the data, because a program other than a spreadsheet reads the
// quote as part of the value.
std::string neutralize_formula(std::string_view field);

// Formats one record, fields separated by commas and ended by CRLF.
std::string format_csv_row(const std::vector<CsvCell>& cells);

}  // namespace kronos::expense::domain
