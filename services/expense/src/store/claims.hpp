#pragma once

// Claims, their items and receipts. Every change to a claim or its items goes through
// lock_claim() first, so the version check and the change happen under one row lock.

#include <cstddef>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "store/rows.hpp"

namespace kronos::expense::store {

struct ClaimListQuery {
    std::string scope;  // mine, team or all
    std::string caller_id;
    std::optional<std::string> status;
    // Keyset position: the last row of the previous page (created_key, id).
    std::optional<std::string> after_created_key;
    std::optional<std::string> after_id;
    std::size_t limit = 50;
};

std::optional<ClaimRow> find_claim(pqxx::work& tx, const std::string& id);
// Takes the claim's row lock (FOR UPDATE) and returns it as find_claim() does.
std::optional<ClaimRow> lock_claim(pqxx::work& tx, const std::string& id);
// Returns up to `limit + 1` rows, newest first, so the caller can tell whether a page follows.
std::vector<ClaimRow> list_claims(pqxx::work& tx, const ClaimListQuery& query);
std::string insert_claim(pqxx::work& tx, const std::string& user_id, const std::string& user_name,
                         const std::string& title, const std::string& base_currency);

// Each of these changes the claim and increments its version.
void update_claim_title(pqxx::work& tx, const std::string& id, const std::string& title);
void increment_claim_version(pqxx::work& tx, const std::string& id);
void mark_claim_submitted(pqxx::work& tx, const std::string& id,
                          const std::optional<std::string>& approver_id);
// Records a decision (approved, rejected, or draft when returned) by `decided_by`.
void mark_claim_decided(pqxx::work& tx, const std::string& id, const std::string& status,
                        const std::string& decided_by, const std::optional<std::string>& note);
void mark_claim_reimbursed(pqxx::work& tx, const std::string& id,
                           const std::optional<std::string>& reference);

std::vector<ItemRow> list_items(pqxx::work& tx, const std::string& claim_id);
std::optional<ItemRow> find_item(pqxx::work& tx, const std::string& claim_id,
                                 const std::string& item_id);
ItemRow insert_item(pqxx::work& tx, const std::string& claim_id, const NewItem& item);
// Returns false when the claim has no such item.
bool delete_item(pqxx::work& tx, const std::string& claim_id, const std::string& item_id);

// Inserts or replaces the receipt of an item.
void upsert_receipt(pqxx::work& tx, const std::string& item_id, const std::string& media_type,
                    const std::string& sha256, const std::string& content);
std::optional<ReceiptRow> find_receipt(pqxx::work& tx, const std::string& claim_id,
                                       const std::string& item_id);

}  // namespace kronos::expense::store
