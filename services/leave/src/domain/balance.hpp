#pragma once

// Leave balance arithmetic for one user, leave type and year, all amounts in Tenths.

#include <optional>

#include "domain/days.hpp"
#include "domain/error.hpp"

namespace kronos::leave::domain {

struct Balance {
    Tenths entitled = 0;
    Tenths carried_over = 0;
    Tenths adjusted = 0;  // signed sum of HR adjustments
    Tenths taken = 0;     // approved leave
    Tenths pending = 0;   // leave awaiting a decision, reserved so it cannot be spent twice
};

// entitled + carried_over + adjusted - taken - pending
Tenths available(const Balance& balance);

// True when taking `requested` more days would leave `available` below zero.
bool would_overdraw(const Balance& balance, Tenths requested);

// Rejects `requested` days charged to `year` when they exceed what is available, unless the
// leave type allows a negative balance. The error is rule_violated with an empty field, because
// no single request field is at fault.
std::optional<DomainError> check_balance(const Balance& balance, Tenths requested, int year,
                                         bool allow_negative);

}  // namespace kronos::leave::domain
