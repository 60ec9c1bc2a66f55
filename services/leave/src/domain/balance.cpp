#include "domain/balance.hpp"

#include <string>

namespace kronos::leave::domain {

Tenths available(const Balance& balance) {
    return balance.entitled + balance.carried_over + balance.adjusted - balance.taken -
           balance.pending;
}

bool would_overdraw(const Balance& balance, Tenths requested) {
    return requested > available(balance);
}

std::optional<DomainError> check_balance(const Balance& balance, Tenths requested, int year,
                                         bool allow_negative) {
    if (allow_negative || !would_overdraw(balance, requested)) {
        return std::nullopt;
    }
    return DomainError{ErrorKind::rule_violated, "",
                       "the request needs " + format_days(requested) + " days in " +
                           std::to_string(year) + " but only " + format_days(available(balance)) +
                           " are available"};
}

}  // namespace kronos::leave::domain
