#pragma once

// Rows as the store reads them. Money is integer minor units with its currency beside it;
// timestamps are RFC 3339 UTC strings and dates `YYYY-MM-DD`, formatted by PostgreSQL.

#include <cstdint>
#include <optional>
#include <string>

namespace kronos::expense::store {

struct CategoryRow {
    std::string code;
    std::string name;
    std::string currency;  // currency of the two limits
    std::optional<std::int64_t> max_per_item;
    std::optional<std::int64_t> receipt_required_over;
};

struct RateRow {
    std::string currency;
    std::string rate;       // decimal string, units of base currency per unit of `currency`
    std::string rate_date;  // the date from which this rate is in force
};

struct ClaimRow {
    std::string id;
    std::string user_id;
    std::string user_name;
    std::string title;
    std::string status;
    std::string base_currency;
    std::int64_t total = 0;  // sum of the items' amount_base
    std::optional<std::string> approver_id;
    std::optional<std::string> submitted_at;
    std::optional<std::string> decided_by;
    std::optional<std::string> decided_at;
    std::optional<std::string> note;
    std::optional<std::string> reimbursed_at;
    std::optional<std::string> reference;
    int version = 1;
    std::string created_key;  // created_at with microseconds, the list cursor's first half
};

struct ItemRow {
    std::string id;
    std::string claim_id;
    std::string date;
    std::string category;
    std::int64_t amount = 0;
    std::string currency;
    std::string rate;
    std::int64_t amount_base = 0;
    std::string base_currency;
    std::string merchant;
    std::string description;
    bool has_receipt = false;
    std::string policy_violations;  // JSON array text
};

struct NewItem {
    std::string date;
    std::string category;
    std::int64_t amount = 0;
    std::string currency;
    std::string rate;
    std::int64_t amount_base = 0;
    std::string base_currency;
    std::string merchant;
    std::string description;
    std::string policy_violations;  // JSON array text
};

struct ReceiptRow {
    std::string media_type;
    std::string sha256;
    std::string content;  // raw bytes
};

// One item of one claim, flattened for the payroll export.
struct ReportRow {
    std::string claim_id;
    std::string employee;
    std::string email;
    std::string title;
    std::string status;
    std::string item_date;
    std::string category;
    std::string merchant;
    std::string description;
    std::int64_t amount = 0;
    std::string currency;
    std::string rate;
    std::int64_t amount_base = 0;
    std::string base_currency;
    std::optional<std::string> submitted_at;
    std::optional<std::string> decided_at;
    std::optional<std::string> reimbursed_at;
    std::optional<std::string> reference;
};

}  // namespace kronos::expense::store
