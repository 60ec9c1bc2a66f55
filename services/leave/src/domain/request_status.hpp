#pragma once

// The leave request state machine: pending -> approved | rejected | cancelled, and
// approved -> cancelled, with who may take each step.

#include <optional>
#include <string_view>

#include "domain/error.hpp"
#include "kronos/core/date.hpp"

namespace kronos::leave::domain {

enum class RequestStatus { pending, approved, rejected, cancelled };
enum class RequestAction { approve, reject, cancel };

std::string_view to_string(RequestStatus status);
std::string_view to_string(RequestAction action);
std::optional<RequestStatus> parse_request_status(std::string_view text);

// The caller's relation to the request, as the HTTP layer established it from the token and the
// directory. Several flags may be true at once (an HR user cancelling their own request).
struct Actor {
    bool is_requester = false;
    bool is_requesters_manager = false;
    bool is_hr_or_admin = false;
};

// A leave type that does not require approval is approved on creation.
RequestStatus initial_status(bool requires_approval);

// Returns the status after `action`, or an error:
//   forbidden  approving or rejecting one's own request, or an actor with no right to act
//   conflict   the status does not allow the action, or the requester cancels approved leave
//              that started on or before `today`
Result<RequestStatus> apply_action(RequestStatus current, RequestAction action, const Actor& actor,
                                   kronos::core::Date start_date, kronos::core::Date today);

}  // namespace kronos::leave::domain
