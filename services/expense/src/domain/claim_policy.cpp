#include "domain/claim_policy.hpp"

namespace kronos::expense::domain {

bool receipt_required(const Money& amount_base, const CategoryPolicy& policy) {
    return policy.receipt_required_over && amount_base.minor > *policy.receipt_required_over;
}

std::vector<PolicyViolation> policy_violations(const Money& amount_base,
                                               const CategoryPolicy& policy) {
    std::vector<PolicyViolation> violations;
    if (policy.max_per_item && amount_base.minor > *policy.max_per_item) {
        const Money limit{*policy.max_per_item, amount_base.currency};
        violations.push_back(PolicyViolation{
            "over_max_per_item", "amount " + format_amount(amount_base) + " " +
                                     amount_base.currency + " is over the category maximum of " +
                                     format_amount(limit) + " " + limit.currency});
    }
    return violations;
}

std::optional<DomainError> check_submittable(const std::vector<SubmitItem>& items) {
    if (items.empty()) {
        return DomainError{ErrorKind::rule_violated, "items",
                           "a claim needs at least one item before it can be submitted"};
    }
    for (const SubmitItem& item : items) {
        if (item.receipt_required && !item.has_receipt) {
            return DomainError{ErrorKind::rule_violated, "items." + item.id + ".receipt",
                               "item " + item.id +
                                   " needs a receipt before the claim can be "
                                   "submitted"};
        }
    }
    return std::nullopt;
}

}  // namespace kronos::expense::domain
