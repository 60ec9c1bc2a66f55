#include "domain/csv.hpp"

#include <gtest/gtest.h>

#include "domain/import_plan.hpp"

namespace kronos::auth {
namespace {

TEST(Csv, ReadsPlainRecords) {
    const auto records = parse_csv("a,b,c\n1,2,3\n");
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].fields, (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(records[1].fields, (std::vector<std::string>{"1", "2", "3"}));
    EXPECT_EQ(records[1].line, 2u);
}

TEST(Csv, SkipsByteOrderMark) {
    const auto records = parse_csv(
        "\xEF\xBB\xBF"
        "email,name\nx,y\n");
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].fields[0], "email");
}

TEST(Csv, AcceptsCrlfAndLastLineWithoutBreak) {
    const auto records = parse_csv("a,b\r\nc,d\r\ne,f");
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(records[2].fields, (std::vector<std::string>{"e", "f"}));
    EXPECT_EQ(records[2].line, 3u);
}

TEST(Csv, QuotedFieldWithCommaAndDoubledQuote) {
    const auto records = parse_csv("\"Lee, Min-jun\",\"say \"\"hi\"\"\",\"\"\n");
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].fields, (std::vector<std::string>{"Lee, Min-jun", "say \"hi\"", ""}));
}

TEST(Csv, EmbeddedNewlinesAdvanceLineNumbers) {
    const auto records = parse_csv("h1,h2\n\"two\nlines\",x\r\n\"three\r\n\r\nlines\",y\nlast,z\n");
    ASSERT_EQ(records.size(), 4u);
    EXPECT_EQ(records[1].line, 2u);
    EXPECT_EQ(records[1].fields[0], "two\nlines");
    EXPECT_EQ(records[2].line, 4u);
    EXPECT_EQ(records[2].fields[0], "three\r\n\r\nlines");
    EXPECT_EQ(records[3].line, 7u);
}

TEST(Csv, BlankLinesSkippedButCounted) {
    const auto records = parse_csv("a\n\n\nb\n");
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[1].fields[0], "b");
    EXPECT_EQ(records[1].line, 4u);
}

TEST(Csv, EmptyQuotedFieldIsNotBlankLine) {
    const auto records = parse_csv("\"\"\n");
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].fields, (std::vector<std::string>{""}));
}

TEST(Csv, TrailingEmptyField) {
    const auto records = parse_csv("a,b,\n");
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].fields, (std::vector<std::string>{"a", "b", ""}));
}

TEST(Csv, TextAfterClosingQuoteIsRecordError) {
    const auto records = parse_csv("\"a\"b,c\nd,e\n");
    ASSERT_EQ(records.size(), 2u);
    ASSERT_TRUE(records[0].error.has_value());
    EXPECT_FALSE(records[1].error.has_value());
    EXPECT_EQ(records[1].line, 2u);
    EXPECT_EQ(records[1].fields[0], "d");
}

TEST(Csv, UnclosedQuoteReportsOpeningLine) {
    const auto records = parse_csv("a,b\nc,\"open\nmore\n");
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[1].line, 2u);
    ASSERT_TRUE(records[1].error.has_value());
    EXPECT_NE(records[1].error->find("line 2"), std::string::npos);
}

TEST(Csv, QuoteInsideUnquotedFieldIsLiteral) {
    const auto records = parse_csv("O\"Brien,x\n");
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].fields[0], "O\"Brien");
}

TEST(CsvImport, ReadsHeaderAndRows) {
    const auto file = read_import_file(
        "\xEF\xBB\xBF"
        "email,name,role,manager_email\r\n"
        "Ann@Example.com , Ann Lee ,Employee,boss@example.com\r\n"
        "boss@example.com,\"Boss, The\",manager,\r\n");
    ASSERT_FALSE(file.problem.has_value());
    EXPECT_TRUE(file.errors.empty());
    ASSERT_EQ(file.rows.size(), 2u);
    EXPECT_EQ(file.rows[0].email, "ann@example.com");
    EXPECT_EQ(file.rows[0].name, "Ann Lee");
    EXPECT_EQ(file.rows[0].role, "employee");
    EXPECT_EQ(file.rows[0].manager_email, "boss@example.com");
    EXPECT_EQ(file.rows[0].line, 2u);
    EXPECT_EQ(file.rows[1].name, "Boss, The");
    EXPECT_FALSE(file.rows[1].manager_email.has_value());
}

TEST(CsvImport, WrongHeaderIsFileProblem) {
    const auto file = read_import_file("mail,name,role,manager\nx@example.com,X,employee,\n");
    EXPECT_TRUE(file.problem.has_value());
}

TEST(CsvImport, EmptyFileIsFileProblem) {
    EXPECT_TRUE(read_import_file("").problem.has_value());
    EXPECT_TRUE(read_import_file("\xEF\xBB\xBF").problem.has_value());
}

TEST(CsvImport, ReportsLineOfBadRow) {
    // The quoted name spans lines 2 and 3, so the rows after it start one line later.
    const auto file = read_import_file(
        "email,name,role,manager_email\n"
        "a@example.com,\"Multi\nLine Name\",employee,\n"
        "not-an-email,B,employee,\n"
        "c@example.com,C,chief,\n"
        "d@example.com,D\n"
        "e@example.com,,employee,\n"
        "f@example.com,\"F, Fine\",employee,\n");
    ASSERT_EQ(file.rows.size(), 1u);
    EXPECT_EQ(file.rows[0].line, 8u);
    ASSERT_EQ(file.errors.size(), 5u);
    EXPECT_EQ(file.errors[0].line, 2u);
    EXPECT_NE(file.errors[0].message.find("name"), std::string::npos);
    EXPECT_EQ(file.errors[1].line, 4u);
    EXPECT_NE(file.errors[1].message.find("email"), std::string::npos);
    EXPECT_EQ(file.errors[2].line, 5u);
    EXPECT_NE(file.errors[2].message.find("role"), std::string::npos);
    EXPECT_EQ(file.errors[3].line, 6u);
    EXPECT_NE(file.errors[3].message.find("expected 4 fields"), std::string::npos);
    EXPECT_EQ(file.errors[4].line, 7u);
    EXPECT_NE(file.errors[4].message.find("name"), std::string::npos);
}

TEST(CsvImport, DuplicateEmailReportsFirstLine) {
    const auto file = read_import_file(
        "email,name,role,manager_email\n"
        "a@example.com,A,employee,\n"
        "A@EXAMPLE.COM,A again,employee,\n");
    ASSERT_EQ(file.rows.size(), 1u);
    ASSERT_EQ(file.errors.size(), 1u);
    EXPECT_EQ(file.errors[0].line, 3u);
    EXPECT_NE(file.errors[0].message.find("line 2"), std::string::npos);
}

TEST(CsvImport, InvalidUtf8RowRejected) {
    const auto file = read_import_file(
        "email,name,role,manager_email\n"
        "a@example.com,Bad \xC3\x28 name,employee,\n");
    ASSERT_EQ(file.errors.size(), 1u);
    EXPECT_EQ(file.errors[0].line, 2u);
}

TEST(CsvImport, OwnEmailAsManagerRejected) {
    const auto file = read_import_file(
        "email,name,role,manager_email\n"
        "a@example.com,A,employee,A@example.com\n");
    ASSERT_EQ(file.errors.size(), 1u);
    EXPECT_NE(file.errors[0].message.find("manage themselves"), std::string::npos);
}

}  // namespace
}  // namespace kronos::auth
