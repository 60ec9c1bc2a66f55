#pragma once

// Expense category policy: when an item needs a receipt, which policy violations an item
// carries, and whether a draft claim may be submitted.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/error.hpp"
#include "domain/money.hpp"

namespace kronos::expense::domain {

// A category's limits in minor units of the base currency. nullopt means no limit.
struct CategoryPolicy {
    std::optional<std::int64_t> max_per_item = std::nullopt;
    std::optional<std::int64_t> receipt_required_over = std::nullopt;
};

// True when the converted amount is strictly over receipt_required_over.
bool receipt_required(const Money& amount_base, const CategoryPolicy& policy);

struct PolicyViolation {
    std::string code;  // stable identifier for clients, e.g. "over_max_per_item"
    std::string message;
    bool operator==(const PolicyViolation&) const = default;
};

// Violations an approver sees on an item. An item strictly over max_per_item is accepted but
// carries "over_max_per_item".
std::vector<PolicyViolation> policy_violations(const Money& amount_base,
                                               const CategoryPolicy& policy);

struct SubmitItem {
    std::string id;
    bool receipt_required = false;
    bool has_receipt = false;
};

// Rejects submitting a claim with no item (field "items") or with an item that lacks a
// required receipt (field "items.<id>.receipt"), both as rule_violated.
std::optional<DomainError> check_submittable(const std::vector<SubmitItem>& items);

}  // namespace kronos::expense::domain
