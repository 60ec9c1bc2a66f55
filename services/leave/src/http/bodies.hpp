#pragma once

// Parsing and validation of JSON request bodies. Each function throws the core's 422 listing
// every bad field (via core::Fields), so nothing is written when a body is invalid.

#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "kronos/core/date.hpp"
#include "store/ledger.hpp"
#include "store/records.hpp"
#include "store/requests.hpp"

namespace kronos::leave::http {

// Upper bound for allowances, carry-over limits and adjustments, in tenths: 366 days.
inline constexpr domain::Tenths kMaxDaysTenths = 3660;

// {type, start_date, end_date, start_half?, end_half?, reason?}
store::RequestInput parse_request_input(const boost::json::object& body);

// {code, name, allowance_days, paid?, requires_approval?, accrual?, carry_over_max_days?,
//  allow_negative?, allow_half_day?}. Defaults: paid, requires approval, yearly accrual, no
// carry-over, no negative balance, half days allowed.
store::LeaveType parse_new_leave_type(const boost::json::object& body);

// Any subset of the fields of parse_new_leave_type except `code`, applied to `current`.
store::LeaveType apply_leave_type_change(const boost::json::object& body,
                                         const store::LeaveType& current);

// {date, name}
store::Holiday parse_holiday(const boost::json::object& body);

// {user_id, type, year, days, reason}, where `days` is a signed decimal string such as "-1.5".
store::Adjustment parse_adjustment(const boost::json::object& body);

// {note?} for approve, {note} for reject.
std::optional<std::string> parse_decision_note(const boost::json::object& body, bool note_required);

}  // namespace kronos::leave::http
