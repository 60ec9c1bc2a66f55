#include "logs.hpp"

#include <gtest/gtest.h>

namespace kronosctl {
namespace {

TEST(LogLine, JsonFieldsSplit) {
    const auto record = parse_log_line(
        R"({"ts":"2024-05-01T12:00:00.123Z","level":"info","service":"auth","event":"request","request_id":"abc","status":200,"path":"/api/v1/auth/me"})");

    ASSERT_TRUE(record.is_json);
    EXPECT_EQ(record.level, "info");
    EXPECT_EQ(record.service, "auth");
    EXPECT_EQ(record.event, "request");
    EXPECT_EQ(record.request_id, "abc");
    ASSERT_EQ(record.fields.size(), 2U);
    EXPECT_EQ(record.fields[0].first, "status");
    EXPECT_EQ(record.fields[0].second, "200");
    EXPECT_TRUE(record.timestamp.has_value());
}

TEST(LogLine, FormatsReadably) {
    const auto record = parse_log_line(
        R"({"ts":"2024-05-01T12:00:00Z","level":"error","service":"leave","event":"db_failed","request_id":"r-1","error":"connection refused","attempt":2})");

    EXPECT_EQ(
        format_log_record(record),
        "2024-05-01T12:00:00Z error leave db_failed r-1 error=\"connection refused\" attempt=2");
}

TEST(LogLine, MissingFieldsShownAsDash) {
    const auto record = parse_log_line(R"({"level":"warn","event":"slow"})");

    EXPECT_EQ(format_log_record(record), "- warn - slow -");
}

TEST(LogLine, PlainTextKeptAsIs) {
    const std::string line =
        "2024-05-01 12:00:00.123 UTC [42] LOG:  database system is ready to accept connections";
    const auto record = parse_log_line(line);

    EXPECT_FALSE(record.is_json);
    EXPECT_EQ(format_log_record(record), line);
    ASSERT_TRUE(record.timestamp.has_value());
    EXPECT_EQ(*record.timestamp, *parse_rfc3339("2024-05-01T12:00:00.123Z"));
}

TEST(LogLine, InvalidJsonKeptAsIs) {
    const auto record = parse_log_line("{broken");

    EXPECT_FALSE(record.is_json);
    EXPECT_EQ(record.raw, "{broken");
}

TEST(ErrorFilter, MatchesRunbookWords) {
    EXPECT_TRUE(
        is_error_record(parse_log_line("2024/05/01 12:00:00 [error] 12#12: connect() failed")));
    EXPECT_TRUE(is_error_record(parse_log_line("Traceback: SomeException raised")));
    EXPECT_TRUE(is_error_record(parse_log_line("CRITICAL: disk full")));
    EXPECT_TRUE(is_error_record(parse_log_line(R"({"level":"error","event":"x"})")));
    EXPECT_TRUE(is_error_record(parse_log_line(R"({"level":"critical","event":"x"})")));
    EXPECT_FALSE(
        is_error_record(parse_log_line(R"({"level":"info","event":"request","status":200})")));
    EXPECT_FALSE(is_error_record(
        parse_log_line("1:M 01 May 2024 12:00:00.000 * Ready to accept connections")));
}

TEST(ErrorFilter, InfoRecordWithErrorsFieldIsNotError) {
    EXPECT_FALSE(
        is_error_record(parse_log_line(R"({"level":"info","event":"users_imported","errors":0})")));
}

TEST(LogLine, PlainTextFractionsKeepOrder) {
    const auto postgres = parse_log_line("2024-05-01 12:00:00.560 UTC [42] LOG:  checkpoint");
    const auto service = parse_log_line(R"({"ts":"2024-05-01T12:00:00.058Z","level":"info"})");
    const auto supervisor = parse_log_line("2024-05-01 12:00:00,900 INFO spawned: 'auth'");
    ASSERT_TRUE(postgres.timestamp.has_value());
    ASSERT_TRUE(service.timestamp.has_value());
    ASSERT_TRUE(supervisor.timestamp.has_value());
    EXPECT_LT(*service.timestamp, *postgres.timestamp);
    EXPECT_EQ(*postgres.timestamp - *service.timestamp, std::chrono::milliseconds(502));
    EXPECT_LT(*postgres.timestamp, *supervisor.timestamp);
}

TEST(Rfc3339, ParsesOffsetsAndFractions) {
    const auto utc = parse_rfc3339("2024-05-01T12:00:00Z");
    const auto offset = parse_rfc3339("2024-05-01T14:00:00+02:00");
    const auto fraction = parse_rfc3339("2024-05-01T12:00:00.5Z");

    ASSERT_TRUE(utc);
    ASSERT_TRUE(offset);
    ASSERT_TRUE(fraction);
    EXPECT_EQ(*utc, *offset);
    EXPECT_EQ(*fraction - *utc, std::chrono::milliseconds(500));
}

TEST(Rfc3339, RejectsOtherFormats) {
    EXPECT_FALSE(parse_rfc3339("2024-05-01"));
    EXPECT_FALSE(parse_rfc3339("2024-05-01T12:00:00"));
    EXPECT_FALSE(parse_rfc3339("2024-13-01T12:00:00Z"));
    EXPECT_FALSE(parse_rfc3339("yesterday"));
}

TEST(Duration, ParsesUnits) {
    EXPECT_EQ(parse_duration("30s"), std::chrono::seconds(30));
    EXPECT_EQ(parse_duration("10m"), std::chrono::seconds(600));
    EXPECT_EQ(parse_duration("2h"), std::chrono::seconds(7200));
    EXPECT_EQ(parse_duration("1d"), std::chrono::seconds(86400));
    EXPECT_FALSE(parse_duration("10"));
    EXPECT_FALSE(parse_duration("m"));
    EXPECT_FALSE(parse_duration("-5m"));
    EXPECT_FALSE(parse_duration("5w"));
}

TEST(Since, DurationCountsBackFromNow) {
    const auto now = *parse_rfc3339("2024-05-01T12:00:00Z");

    EXPECT_EQ(parse_since("10m", now), parse_rfc3339("2024-05-01T11:50:00Z"));
    EXPECT_EQ(parse_since("2024-05-01T11:00:00Z", now), parse_rfc3339("2024-05-01T11:00:00Z"));
    EXPECT_FALSE(parse_since("soon", now));
}

TEST(Filter, RequestIdAndWindow) {
    LogFilter filter;
    filter.request_id = "test-1";
    filter.since = parse_rfc3339("2024-05-01T12:00:00Z");
    const auto inside = parse_log_line(R"({"ts":"2024-05-01T12:00:01Z","request_id":"test-1"})");
    const auto before = parse_log_line(R"({"ts":"2024-05-01T11:59:59Z","request_id":"test-1"})");
    const auto other = parse_log_line(R"({"ts":"2024-05-01T12:00:01Z","request_id":"test-2"})");

    EXPECT_TRUE(passes_filter(inside, filter, false));
    EXPECT_FALSE(passes_filter(before, filter, true));
    EXPECT_FALSE(passes_filter(other, filter, true));
}

TEST(Filter, UntimedLineFollowsPreviousLine) {
    LogFilter filter;
    filter.since = parse_rfc3339("2024-05-01T12:00:00Z");
    const auto continuation = parse_log_line("    at frame 3");

    EXPECT_TRUE(passes_filter(continuation, filter, true));
    EXPECT_FALSE(passes_filter(continuation, filter, false));
}

}  // namespace
}  // namespace kronosctl
