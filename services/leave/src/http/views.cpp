#include "http/views.hpp"

#include "domain/days.hpp"
#include "kronos/core/json.hpp"
#include "kronos/core/token.hpp"

namespace kronos::leave::http {

namespace {

using domain::format_days;

boost::json::value nullable(const std::optional<std::string>& value) {
    if (!value) {
        return nullptr;
    }
    return boost::json::string(*value);
}

// A day as {date, fraction, half}: fraction "1.0" or "0.5", half "am", "pm" or null.
boost::json::object day_json(const domain::LeaveDay& day) {
    boost::json::value half = nullptr;
    if (day.part == domain::DayPart::am) {
        half = "am";
    } else if (day.part == domain::DayPart::pm) {
        half = "pm";
    }
    return {{"date", core::format_date(day.date)},
            {"fraction", format_days(day.days())},
            {"half", std::move(half)}};
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// "YYYY-MM-DD HH:MM:SS.ffffff", as store::LeaveRequest::created_at_key is formatted.
bool is_created_at_key(std::string_view text) {
    constexpr std::string_view kPattern = "dddd-dd-dd dd:dd:dd.dddddd";
    if (text.size() != kPattern.size()) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool ok = kPattern[i] == 'd' ? is_digit(text[i]) : text[i] == kPattern[i];
        if (!ok) {
            return false;
        }
    }
    return true;
}

}  // namespace

boost::json::object leave_type_json(const store::LeaveType& type) {
    return {{"code", type.code},
            {"name", type.name},
            {"paid", type.paid},
            {"requires_approval", type.requires_approval},
            {"allowance_days", format_days(type.allowance)},
            {"accrual", type.accrual},
            {"carry_over_max_days", format_days(type.carry_over_max)},
            {"allow_negative", type.allow_negative},
            {"allow_half_day", type.allow_half_day}};
}

boost::json::object holiday_json(const store::Holiday& holiday) {
    return {{"date", core::format_date(holiday.date)}, {"name", holiday.name}};
}

boost::json::object request_json(const store::LeaveRequest& request) {
    return {{"id", request.id},
            {"user_id", request.user_id},
            {"user_name", request.user_name},
            {"type", request.type},
            {"start_date", core::format_date(request.start_date)},
            {"end_date", core::format_date(request.end_date)},
            {"start_half", request.start_half},
            {"end_half", request.end_half},
            {"days", format_days(request.days)},
            {"status", request.status},
            {"reason", nullable(request.reason)},
            {"approver_id", nullable(request.approver_id)},
            {"decided_by", nullable(request.decided_by)},
            {"decided_at", nullable(request.decided_at)},
            {"note", nullable(request.note)},
            {"created_at", request.created_at}};
}

boost::json::object balance_json(const store::BalanceFigures& figures) {
    const domain::Balance& balance = figures.balance;
    return {{"type", figures.type},
            {"year", figures.year},
            {"entitled", format_days(balance.entitled)},
            {"carried_over", format_days(balance.carried_over)},
            {"adjusted", format_days(balance.adjusted)},
            {"taken", format_days(balance.taken)},
            {"pending", format_days(balance.pending)},
            {"available", format_days(domain::available(balance))}};
}

boost::json::object ledger_entry_json(const store::LedgerEntry& entry) {
    return {{"id", entry.id},
            {"user_id", entry.user_id},
            {"type", entry.type},
            {"year", entry.year},
            {"kind", entry.kind},
            {"days", format_days(entry.days)},
            {"request_id", nullable(entry.request_id)},
            {"reason", nullable(entry.reason)},
            {"created_by", nullable(entry.created_by)},
            {"created_at", entry.created_at}};
}

boost::json::object calendar_day_json(const store::CalendarDay& day) {
    boost::json::object json = day_json(domain::LeaveDay{day.date, day.part});
    json["user_id"] = day.user_id;
    json["user_name"] = day.user_name;
    json["type"] = day.type;
    json["status"] = day.status;
    return json;
}

boost::json::object preview_json(const store::RequestPlan& plan) {
    boost::json::array dates;
    for (const domain::LeaveDay& day : plan.leave.days) {
        dates.push_back(day_json(day));
    }
    boost::json::array years;
    for (const store::YearCharge& charge : plan.years) {
        years.push_back(
            boost::json::object{{"year", charge.year},
                                {"days", format_days(charge.days)},
                                {"available_after", format_days(charge.available_after)}});
    }
    boost::json::value available_after = nullptr;
    if (!plan.years.empty()) {
        available_after = boost::json::string(format_days(plan.years.front().available_after));
    }
    return {{"days", format_days(plan.leave.total)},
            {"dates", std::move(dates)},
            {"available_after", std::move(available_after)},
            {"years", std::move(years)}};
}

std::string encode_cursor(const store::ListCursor& cursor) {
    return core::base64url_encode(cursor.created_at_key + "|" + cursor.id);
}

std::optional<store::ListCursor> decode_cursor(std::string_view token) {
    const auto decoded = core::base64url_decode(token);
    if (!decoded) {
        return std::nullopt;
    }
    const auto separator = decoded->find('|');
    if (separator == std::string::npos) {
        return std::nullopt;
    }
    store::ListCursor cursor{decoded->substr(0, separator), decoded->substr(separator + 1)};
    if (!is_created_at_key(cursor.created_at_key) || !core::is_uuid(cursor.id)) {
        return std::nullopt;
    }
    return cursor;
}

}  // namespace kronos::leave::http
