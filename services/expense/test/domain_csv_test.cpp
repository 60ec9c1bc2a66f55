#include <gtest/gtest.h>

#include <string>

#include "domain/csv.hpp"

namespace kronos::expense::domain {
namespace {

TEST(Csv, QuotesOnlyWhenNeeded) {
    const std::pair<std::string, std::string> cases[] = {
        {"plain", "plain"},
        {"", ""},
        {"with space", "with space"},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"line\nbreak", "\"line\nbreak\""},
        {"carriage\rreturn", "\"carriage\rreturn\""},
        {"\"", "\"\"\"\""},
        {"Café", "Café"},
    };
    for (const auto& [field, expected] : cases) {
        EXPECT_EQ(quote_csv_field(field), expected) << field;
    }
}

TEST(Csv, GuardsFormulaStarts) {
    const std::pair<std::string, std::string> cases[] = {
        {"=SUM(A1:A2)", "'=SUM(A1:A2)"},
        {"+1", "'+1"},
        {"-1", "'-1"},
        {"@cmd", "'@cmd"},
        {"\tTab", "'\tTab"},
        {"\rCR", "'\rCR"},
        {std::string("\0x", 2), std::string("'\0x", 3)},
        {"a=b", "a=b"},
        {"", ""},
        {"Taxi", "Taxi"},
    };
    for (const auto& [field, expected] : cases) {
        EXPECT_EQ(neutralize_formula(field), expected) << field;
    }
}

TEST(Csv, RowEndsWithCrlf) {
    EXPECT_EQ(format_csv_row({{"id"}, {"amount"}, {"merchant"}}), "id,amount,merchant\r\n");
}

TEST(Csv, TextCellsGuardedAndQuoted) {
    const std::string row = format_csv_row({
        {"2026-03-02", CsvCellKind::value},
        {"-12.00", CsvCellKind::value},
        {"=HYPERLINK(\"http://example.invalid\",\"x\")"},
        {"Smith, Jones & Co"},
        {"-"},
    });
    EXPECT_EQ(row,
              "2026-03-02,-12.00,\"'=HYPERLINK(\"\"http://example.invalid\"\",\"\"x\"\")\","
              "\"Smith, Jones & Co\",'-\r\n");
}

TEST(Csv, ValueCellsStillQuoted) {
    EXPECT_EQ(format_csv_row({{"a,b", CsvCellKind::value}}), "\"a,b\"\r\n");
}

TEST(Csv, EmptyRowIsLineEnd) {
    EXPECT_EQ(format_csv_row({}), "\r\n");
}

}  // namespace
}  // namespace kronos::expense::domain
