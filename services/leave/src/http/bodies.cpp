#include "http/bodies.hpp"

#include "domain/days.hpp"
#include "kronos/core/json.hpp"

namespace kronos::leave::http {

namespace {

using core::Fields;

constexpr core::StringRule kCodeRule{1, 32};
constexpr core::StringRule kNameRule{1, 200};
constexpr core::StringRule kReasonRule{0, 1000};
constexpr core::StringRule kNoteRule{1, 1000};
constexpr core::StringRule kDaysRule{1, 24};

bool is_valid_type_code(const std::string& code) {
    if (code.empty() || code.size() > 32 || code.front() < 'a' || code.front() > 'z') {
        return false;
    }
    for (char c : code) {
        const bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        if (!allowed) {
            return false;
        }
    }
    return true;
}

// A decimal number of days from `key`, within [min, max] tenths.
std::optional<domain::Tenths> days_field(Fields& fields, std::string_view key, bool required,
                                         domain::Tenths min, domain::Tenths max) {
    const auto text = fields.string(key, required, kDaysRule);
    if (!text) {
        return std::nullopt;
    }
    const auto parsed = domain::parse_days(*text, key);
    if (!parsed.ok()) {
        fields.fail(std::string(key), parsed.error().message);
        return std::nullopt;
    }
    if (parsed.value() < min || parsed.value() > max) {
        fields.fail(std::string(key), "must be between " + domain::format_days(min) + " and " +
                                          domain::format_days(max) + " days");
        return std::nullopt;
    }
    return parsed.value();
}

// Reads the members that POST and PATCH share into `type`, leaving absent ones unchanged.
void read_leave_type_fields(Fields& fields, store::LeaveType& type) {
    if (auto name = fields.optional_string("name", kNameRule)) {
        type.name = *name;
    }
    if (auto paid = fields.boolean("paid", false)) {
        type.paid = *paid;
    }
    if (auto requires_approval = fields.boolean("requires_approval", false)) {
        type.requires_approval = *requires_approval;
    }
    if (auto allowance = days_field(fields, "allowance_days", false, 0, kMaxDaysTenths)) {
        type.allowance = *allowance;
    }
    if (auto accrual = fields.choice("accrual", false, {"yearly", "none"})) {
        type.accrual = *accrual;
    }
    if (auto carry_over = days_field(fields, "carry_over_max_days", false, 0, kMaxDaysTenths)) {
        type.carry_over_max = *carry_over;
    }
    if (auto allow_negative = fields.boolean("allow_negative", false)) {
        type.allow_negative = *allow_negative;
    }
    if (auto allow_half_day = fields.boolean("allow_half_day", false)) {
        type.allow_half_day = *allow_half_day;
    }
}

// For members that read_leave_type_fields treats as optional but POST requires.
void require_member(Fields& fields, std::string_view key) {
    const boost::json::value* value = fields.raw(key);
    if (value == nullptr || value->is_null()) {
        fields.fail(std::string(key), "is required");
    }
}

// Rules across fields, checked on the type as it will be stored.
void check_leave_type(Fields& fields, const store::LeaveType& type) {
    if (fields.ok() && type.accrual == "none" && type.allowance != 0) {
        fields.fail("allowance_days", "must be \"0.0\" when accrual is \"none\"");
    }
}

}  // namespace

store::RequestInput parse_request_input(const boost::json::object& body) {
    Fields fields(body);
    fields.only({"type", "start_date", "end_date", "start_half", "end_half", "reason"});
    store::RequestInput input;
    input.type = fields.required_string("type", kCodeRule);
    const auto start_date = fields.date("start_date", true);
    const auto end_date = fields.date("end_date", true);
    const auto start_half = fields.choice("start_half", false, {"full", "pm"});
    const auto end_half = fields.choice("end_half", false, {"full", "am"});
    input.reason = fields.optional_string("reason", kReasonRule);
    fields.finish();

    input.span.start_date = *start_date;
    input.span.end_date = *end_date;
    if (start_half) {
        input.span.start_half = *domain::parse_start_half(*start_half);
    }
    if (end_half) {
        input.span.end_half = *domain::parse_end_half(*end_half);
    }
    return input;
}

store::LeaveType parse_new_leave_type(const boost::json::object& body) {
    Fields fields(body);
    fields.only({"code", "name", "paid", "requires_approval", "allowance_days", "accrual",
                 "carry_over_max_days", "allow_negative", "allow_half_day"});
    store::LeaveType type;
    type.accrual = "yearly";
    type.code = fields.required_string("code", kCodeRule);
    if (!type.code.empty() && !is_valid_type_code(type.code)) {
        fields.fail("code", "must start with a lower-case letter and contain only a-z, 0-9 and _");
    }
    require_member(fields, "name");
    require_member(fields, "allowance_days");
    read_leave_type_fields(fields, type);
    check_leave_type(fields, type);
    fields.finish();
    return type;
}

store::LeaveType apply_leave_type_change(const boost::json::object& body,
                                         const store::LeaveType& current) {
    Fields fields(body);
    fields.only({"name", "paid", "requires_approval", "allowance_days", "accrual",
                 "carry_over_max_days", "allow_negative", "allow_half_day"});
    store::LeaveType type = current;
    read_leave_type_fields(fields, type);
    check_leave_type(fields, type);
    fields.finish();
    return type;
}

store::Holiday parse_holiday(const boost::json::object& body) {
    Fields fields(body);
    fields.only({"date", "name"});
    const auto date = fields.date("date", true);
    std::string name = fields.required_string("name", kNameRule);
    fields.finish();
    return store::Holiday{*date, std::move(name)};
}

store::Adjustment parse_adjustment(const boost::json::object& body) {
    Fields fields(body);
    fields.only({"user_id", "type", "year", "days", "reason"});
    store::Adjustment adjustment;
    adjustment.user_id = fields.uuid("user_id", true).value_or("");
    adjustment.type = fields.required_string("type", kCodeRule);
    adjustment.year = static_cast<int>(fields.integer("year", true, 1900, 9999).value_or(0));
    const auto days = days_field(fields, "days", true, -kMaxDaysTenths, kMaxDaysTenths);
    if (days && *days == 0) {
        fields.fail("days", "must not be zero");
    }
    adjustment.days = days.value_or(0);
    adjustment.reason = fields.required_string("reason", kNoteRule);
    fields.finish();
    return adjustment;
}

std::optional<std::string> parse_decision_note(const boost::json::object& body,
                                               bool note_required) {
    Fields fields(body);
    fields.only({"note"});
    auto note = fields.string("note", note_required, kNoteRule);
    fields.finish();
    return note;
}

}  // namespace kronos::leave::http
