#include "domain/csv.hpp"

namespace kronos::expense::domain {

std::string quote_csv_field(std::string_view field) {
    if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
        return std::string(field);
    }
    std::string quoted = "\"";
    for (char c : field) {
        if (c == '"') {
            quoted += '"';
        }
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

std::string neutralize_formula(std::string_view field) {
    constexpr std::string_view kFormulaStarts{"=+-@\t\r\0", 7};
    if (!field.empty() && kFormulaStarts.find(field.front()) != std::string_view::npos) {
        return "'" + std::string(field);
    }
    return std::string(field);
}

std::string format_csv_row(const std::vector<CsvCell>& cells) {
    std::string row;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i > 0) {
            row += ',';
        }
        const CsvCell& cell = cells[i];
        row += cell.kind == CsvCellKind::text ? quote_csv_field(neutralize_formula(cell.content))
                                              : quote_csv_field(cell.content);
    }
    row += "\r\n";
    return row;
}

}  // namespace kronos::expense::domain
