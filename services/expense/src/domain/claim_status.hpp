#pragma once

// The expense claim state machine: draft -> submitted -> approved -> reimbursed, with
// submitted -> rejected and submitted -> draft (returned for changes).

#include <optional>
#include <string_view>

#include "domain/error.hpp"

namespace kronos::expense::domain {

enum class ClaimStatus { draft, submitted, approved, rejected, reimbursed };
enum class ClaimAction { submit, approve, reject, return_for_changes, reimburse };

std::string_view to_string(ClaimStatus status);
// The API verb: "submit", "approve", "reject", "return", "reimburse".
std::string_view to_string(ClaimAction action);
std::optional<ClaimStatus> parse_claim_status(std::string_view text);

// Returns the status after `action`, or a conflict error when `current` does not allow it.
// Who may act is checked by the caller.
Result<ClaimStatus> next_claim_status(ClaimStatus current, ClaimAction action);

}  // namespace kronos::expense::domain
