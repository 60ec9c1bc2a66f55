#include "domain/claim_status.hpp"

#include <string>

namespace kronos::expense::domain {

std::string_view to_string(ClaimStatus status) {
    switch (status) {
        case ClaimStatus::draft:
            return "draft";
        case ClaimStatus::submitted:
            return "submitted";
        case ClaimStatus::approved:
            return "approved";
        case ClaimStatus::rejected:
            return "rejected";
        case ClaimStatus::reimbursed:
            return "reimbursed";
    }
    return "unknown";
}

std::string_view to_string(ClaimAction action) {
    switch (action) {
        case ClaimAction::submit:
            return "submit";
        case ClaimAction::approve:
            return "approve";
        case ClaimAction::reject:
            return "reject";
        case ClaimAction::return_for_changes:
            return "return";
        case ClaimAction::reimburse:
            return "reimburse";
    }
    return "unknown";
}

std::optional<ClaimStatus> parse_claim_status(std::string_view text) {
    for (ClaimStatus status : {ClaimStatus::draft, ClaimStatus::submitted, ClaimStatus::approved,
                               ClaimStatus::rejected, ClaimStatus::reimbursed}) {
        if (text == to_string(status)) {
            return status;
        }
    }
    return std::nullopt;
}

Result<ClaimStatus> next_claim_status(ClaimStatus current, ClaimAction action) {
    struct Transition {
        ClaimStatus from;
        ClaimAction action;
        ClaimStatus to;
    };
    static constexpr Transition kTransitions[] = {
        {ClaimStatus::draft, ClaimAction::submit, ClaimStatus::submitted},
        {ClaimStatus::submitted, ClaimAction::approve, ClaimStatus::approved},
        {ClaimStatus::submitted, ClaimAction::reject, ClaimStatus::rejected},
        {ClaimStatus::submitted, ClaimAction::return_for_changes, ClaimStatus::draft},
        {ClaimStatus::approved, ClaimAction::reimburse, ClaimStatus::reimbursed},
    };
    for (const Transition& transition : kTransitions) {
        if (transition.from == current && transition.action == action) {
            return transition.to;
        }
    }
    return DomainError{ErrorKind::conflict, "",
                       "cannot " + std::string(to_string(action)) + " a claim that is " +
                           std::string(to_string(current))};
}

}  // namespace kronos::expense::domain
