// Request body parsing of the leave API: every rejected body names the field at fault.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>
#include <vector>

#include "http/bodies.hpp"
#include "kronos/core/errors.hpp"

namespace kronos::leave::http {
namespace {

boost::json::object object_of(const char* json) {
    return boost::json::parse(json).as_object();
}

// The fields that the 422 thrown by `call` names, in order. Empty when it threw no 422.
template <typename Call>
std::vector<std::string> rejected_fields(Call call) {
    try {
        call();
    } catch (const core::ApiError& error) {
        EXPECT_EQ(error.status(), 422u) << error.detail();
        std::vector<std::string> fields;
        for (const auto& field : error.fields()) {
            fields.push_back(field.field);
        }
        return fields;
    }
    return {};
}

using Fields = std::vector<std::string>;

TEST(RequestBody, FullDaysByDefault) {
    const auto input = parse_request_input(
        object_of(R"({"type":"annual","start_date":"2026-03-02","end_date":"2026-03-06"})"));
    EXPECT_EQ(input.type, "annual");
    EXPECT_EQ(core::format_date(input.span.start_date), "2026-03-02");
    EXPECT_EQ(core::format_date(input.span.end_date), "2026-03-06");
    EXPECT_EQ(input.span.start_half, domain::StartHalf::full);
    EXPECT_EQ(input.span.end_half, domain::EndHalf::full);
    EXPECT_FALSE(input.reason.has_value());
}

TEST(RequestBody, HalvesAndReason) {
    const auto input = parse_request_input(
        object_of(R"({"type":"annual","start_date":"2026-03-02","end_date":"2026-03-03",)"
                  R"("start_half":"pm","end_half":"am","reason":" dentist "})"));
    EXPECT_EQ(input.span.start_half, domain::StartHalf::pm);
    EXPECT_EQ(input.span.end_half, domain::EndHalf::am);
    ASSERT_TRUE(input.reason.has_value());
    EXPECT_EQ(*input.reason, "dentist");
}

TEST(RequestBody, MissingFieldsNamed) {
    EXPECT_EQ(rejected_fields([] { parse_request_input(object_of("{}")); }),
              (Fields{"type", "start_date", "end_date"}));
}

TEST(RequestBody, BadValuesNamed) {
    const auto fields = rejected_fields([] {
        parse_request_input(
            object_of(R"({"type":"annual","start_date":"2026-02-30","end_date":"tomorrow",)"
                      R"("start_half":"am","end_half":"pm"})"));
    });
    EXPECT_EQ(fields, (Fields{"start_date", "end_date", "start_half", "end_half"}));
}

TEST(RequestBody, UnknownMemberRejected) {
    const auto fields = rejected_fields([] {
        parse_request_input(object_of(
            R"({"type":"annual","start_date":"2026-03-02","end_date":"2026-03-02","days":"1"})"));
    });
    EXPECT_EQ(fields, (Fields{"days"}));
}

TEST(LeaveTypeBody, DefaultsApplied) {
    const auto type = parse_new_leave_type(
        object_of(R"({"code":"study","name":"Study leave","allowance_days":"5"})"));
    EXPECT_EQ(type.code, "study");
    EXPECT_EQ(type.name, "Study leave");
    EXPECT_EQ(type.allowance, 50);
    EXPECT_EQ(type.accrual, "yearly");
    EXPECT_TRUE(type.paid);
    EXPECT_TRUE(type.requires_approval);
    EXPECT_FALSE(type.allow_negative);
    EXPECT_TRUE(type.allow_half_day);
    EXPECT_EQ(type.carry_over_max, 0);
}

TEST(LeaveTypeBody, RequiredFieldsNamed) {
    EXPECT_EQ(rejected_fields([] { parse_new_leave_type(object_of("{}")); }),
              (Fields{"code", "name", "allowance_days"}));
}

TEST(LeaveTypeBody, BadCodeAndDaysNamed) {
    const auto fields = rejected_fields([] {
        parse_new_leave_type(
            object_of(R"({"code":"Study-Leave","name":"x","allowance_days":"2.25",)"
                      R"("carry_over_max_days":"-1","accrual":"monthly"})"));
    });
    EXPECT_EQ(fields, (Fields{"code", "allowance_days", "accrual", "carry_over_max_days"}));
}

TEST(LeaveTypeBody, AllowanceOverLimitRejected) {
    EXPECT_EQ(
        rejected_fields([] {
            parse_new_leave_type(object_of(R"({"code":"x","name":"x","allowance_days":"366.1"})"));
        }),
        (Fields{"allowance_days"}));
}

TEST(LeaveTypeBody, NoAccrualNeedsZeroAllowance) {
    EXPECT_EQ(rejected_fields([] {
                  parse_new_leave_type(object_of(
                      R"({"code":"x","name":"x","allowance_days":"1","accrual":"none"})"));
              }),
              (Fields{"allowance_days"}));
}

TEST(LeaveTypeChange, KeepsAbsentFields) {
    store::LeaveType current;
    current.code = "annual";
    current.name = "Annual leave";
    current.allowance = 250;
    current.accrual = "yearly";
    const auto changed =
        apply_leave_type_change(object_of(R"({"allowance_days":"27.5"})"), current);
    EXPECT_EQ(changed.code, "annual");
    EXPECT_EQ(changed.name, "Annual leave");
    EXPECT_EQ(changed.allowance, 275);
}

TEST(LeaveTypeChange, CodeNotChangeable) {
    store::LeaveType current;
    current.accrual = "yearly";
    EXPECT_EQ(rejected_fields(
                  [&] { apply_leave_type_change(object_of(R"({"code":"other"})"), current); }),
              (Fields{"code"}));
}

TEST(AdjustmentBody, SignedDaysParsed) {
    const auto adjustment = parse_adjustment(object_of(
        R"({"user_id":"0b7c6c1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e","type":"annual","year":2026,)"
        R"("days":"-1.5","reason":"correction"})"));
    EXPECT_EQ(adjustment.days, -15);
    EXPECT_EQ(adjustment.year, 2026);
    EXPECT_EQ(adjustment.type, "annual");
    EXPECT_EQ(adjustment.reason, "correction");
}

TEST(AdjustmentBody, BadValuesNamed) {
    const auto fields = rejected_fields([] {
        parse_adjustment(object_of(
            R"({"user_id":"nobody","type":"annual","year":26,"days":"1.25","reason":""})"));
    });
    EXPECT_EQ(fields, (Fields{"user_id", "year", "days", "reason"}));
}

TEST(AdjustmentBody, ZeroDaysRejected) {
    const auto fields = rejected_fields([] {
        parse_adjustment(object_of(
            R"({"user_id":"0b7c6c1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e","type":"annual","year":2026,)"
            R"("days":"0.0","reason":"nothing"})"));
    });
    EXPECT_EQ(fields, (Fields{"days"}));
}

TEST(AdjustmentBody, NumericDaysRejected) {
    const auto fields = rejected_fields([] {
        parse_adjustment(object_of(
            R"({"user_id":"0b7c6c1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e","type":"annual","year":2026,)"
            R"("days":1.5,"reason":"as a number"})"));
    });
    EXPECT_EQ(fields, (Fields{"days"}));
}

TEST(DecisionNote, OptionalForApproval) {
    EXPECT_FALSE(parse_decision_note(object_of("{}"), false).has_value());
}

TEST(DecisionNote, RequiredForRejection) {
    EXPECT_EQ(rejected_fields([] { parse_decision_note(object_of("{}"), true); }),
              (Fields{"note"}));
    EXPECT_EQ(rejected_fields([] { parse_decision_note(object_of(R"({"note":"  "})"), true); }),
              (Fields{"note"}));
}

TEST(HolidayBody, DateAndNameRequired) {
    EXPECT_EQ(rejected_fields([] { parse_holiday(object_of(R"({"date":"2026-13-01"})")); }),
              (Fields{"date", "name"}));
}

}  // namespace
}  // namespace kronos::leave::http
