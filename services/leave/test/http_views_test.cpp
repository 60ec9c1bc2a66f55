// JSON shapes and list cursors of the leave API.

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "http/views.hpp"
#include "kronos/core/token.hpp"

namespace kronos::leave::http {
namespace {

core::Date date(const char* text) {
    return *core::parse_date(text);
}

TEST(RequestView, NullsAndDecimals) {
    store::LeaveRequest request;
    request.id = "0b7c6c1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e";
    request.user_id = "1b7c6c1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e";
    request.user_name = "Zoë Lambert";
    request.type = "annual";
    request.start_date = date("2026-03-02");
    request.end_date = date("2026-03-04");
    request.start_half = "pm";
    request.end_half = "full";
    request.days = 25;
    request.status = "pending";
    request.created_at = "2026-02-01T10:00:00Z";

    const auto json = request_json(request);
    EXPECT_EQ(json.at("days"), "2.5");
    EXPECT_EQ(json.at("start_date"), "2026-03-02");
    EXPECT_EQ(json.at("start_half"), "pm");
    EXPECT_TRUE(json.at("reason").is_null());
    EXPECT_TRUE(json.at("approver_id").is_null());
    EXPECT_TRUE(json.at("decided_at").is_null());
    EXPECT_EQ(json.at("user_name"), "Zoë Lambert");
    EXPECT_EQ(json.size(), 16u);
}

TEST(BalanceView, AvailableDerived) {
    store::BalanceFigures figures;
    figures.type = "annual";
    figures.year = 2026;
    figures.balance = {250, 30, -15, 100, 25};
    const auto json = balance_json(figures);
    EXPECT_EQ(json.at("entitled"), "25.0");
    EXPECT_EQ(json.at("carried_over"), "3.0");
    EXPECT_EQ(json.at("adjusted"), "-1.5");
    EXPECT_EQ(json.at("taken"), "10.0");
    EXPECT_EQ(json.at("pending"), "2.5");
    EXPECT_EQ(json.at("available"), "14.0");
    EXPECT_EQ(json.at("year"), 2026);
}

TEST(PreviewView, DaysAndYears) {
    store::RequestPlan plan;
    plan.leave.days = {{date("2026-12-31"), domain::DayPart::pm},
                       {date("2027-01-04"), domain::DayPart::full}};
    plan.leave.total = 15;
    plan.years = {{2026, 5, 35}, {2027, 10, 240}};

    const auto json = preview_json(plan);
    EXPECT_EQ(json.at("days"), "1.5");
    EXPECT_EQ(json.at("available_after"), "3.5");
    const auto& dates = json.at("dates").as_array();
    ASSERT_EQ(dates.size(), 2u);
    EXPECT_EQ(dates[0].at("date"), "2026-12-31");
    EXPECT_EQ(dates[0].at("fraction"), "0.5");
    EXPECT_EQ(dates[0].at("half"), "pm");
    EXPECT_EQ(dates[1].at("fraction"), "1.0");
    EXPECT_TRUE(dates[1].at("half").is_null());
    const auto& years = json.at("years").as_array();
    ASSERT_EQ(years.size(), 2u);
    EXPECT_EQ(years[1].at("year"), 2027);
    EXPECT_EQ(years[1].at("available_after"), "24.0");
}

TEST(CalendarView, HalfDay) {
    store::CalendarDay day{"1b7c6c1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e",
                           "Ayşe Demir",
                           date("2026-05-05"),
                           domain::DayPart::am,
                           "sick",
                           "approved"};
    const auto json = calendar_day_json(day);
    EXPECT_EQ(json.at("fraction"), "0.5");
    EXPECT_EQ(json.at("half"), "am");
    EXPECT_EQ(json.at("status"), "approved");
}

TEST(ListCursor, RoundTrip) {
    const store::ListCursor cursor{"2026-01-05 09:30:00.123456",
                                   "0b7c6c1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e"};
    const auto decoded = decode_cursor(encode_cursor(cursor));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(decoded->created_at_key, cursor.created_at_key);
    EXPECT_EQ(decoded->id, cursor.id);
}

TEST(ListCursor, MalformedRejected) {
    EXPECT_FALSE(decode_cursor("not base64!").has_value());
    EXPECT_FALSE(decode_cursor(core::base64url_encode("no separator")).has_value());
    EXPECT_FALSE(decode_cursor(core::base64url_encode(
                                   "2026-01-05 09:30:00|0b7c6c1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e"))
                     .has_value());
    EXPECT_FALSE(decode_cursor(core::base64url_encode("2026-01-05 09:30:00.123456|'; DROP TABLE x"))
                     .has_value());
}

}  // namespace
}  // namespace kronos::leave::http
