#pragma once

// Rows of the leave schema as the store returns them. Amounts of leave are domain::Tenths, and
// timestamps are already formatted as RFC 3339 UTC strings.

#include <optional>
#include <string>

#include "domain/balance.hpp"
#include "domain/day_count.hpp"
#include "domain/days.hpp"
#include "kronos/core/date.hpp"

namespace kronos::leave::store {

using core::Date;
using domain::Tenths;

struct LeaveType {
    std::string code;
    std::string name;
    bool paid = true;
    bool requires_approval = true;
    Tenths allowance = 0;
    std::string accrual;  // "yearly" or "none"
    Tenths carry_over_max = 0;
    bool allow_negative = false;
    bool allow_half_day = true;
};

struct Holiday {
    Date date;
    std::string name;
};

struct LeaveRequest {
    std::string id;
    std::string user_id;
    std::string user_name;
    std::string type;
    Date start_date;
    Date end_date;
    std::string start_half;  // "full" or "pm"
    std::string end_half;    // "full" or "am"
    Tenths days = 0;
    std::string status;
    std::optional<std::string> reason;
    std::optional<std::string> approver_id;
    std::optional<std::string> decided_by;
    std::optional<std::string> decided_at;
    std::optional<std::string> note;
    std::string created_at;
    // created_at with microseconds in UTC ("2026-01-05 09:30:00.123456"), for list cursors.
    std::string created_at_key;
};

struct LedgerEntry {
    std::string id;
    std::string user_id;
    std::string type;
    int year = 0;
    std::string kind;
    Tenths days = 0;
    std::optional<std::string> request_id;
    std::optional<std::string> reason;
    std::optional<std::string> created_by;
    std::string created_at;
};

// The figures of one (user, type, year) balance, summed from its ledger lines.
struct BalanceFigures {
    std::string type;
    int year = 0;
    domain::Balance balance;
};

struct CalendarDay {
    std::string user_id;
    std::string user_name;
    Date date;
    domain::DayPart part = domain::DayPart::full;
    std::string type;
    std::string status;
};

}  // namespace kronos::leave::store
