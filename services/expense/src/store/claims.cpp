#include "store/claims.hpp"

#include "store/params.hpp"

namespace kronos::expense::store {

namespace {

// The owner's current name comes from the directory when auth has published it; the name in
// the access token at creation is the fallback.
#define KRONOS_EXPENSE_CLAIM_COLUMNS                                                    \
    "c.id::text, c.user_id::text, COALESCE(d.name, c.user_name), c.title, c.status, "   \
    "c.base_currency, "                                                                 \
    "COALESCE((SELECT sum(i.amount_base) FROM claim_items i WHERE i.claim_id = c.id), " \
    "0)::bigint, "                                                                      \
    "c.approver_id::text, rfc3339(c.submitted_at), c.decided_by::text, "                \
    "rfc3339(c.decided_at), c.note, rfc3339(c.reimbursed_at), c.reference, c.version, " \
    "to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "

constexpr const char* kFindClaim = "SELECT " KRONOS_EXPENSE_CLAIM_COLUMNS
                                   "FROM claims c LEFT JOIN directory d ON d.user_id = c.user_id "
                                   "WHERE c.id = $1::uuid";

constexpr const char* kLockClaim = R"sql(
    SELECT id FROM claims WHERE id = $1::uuid FOR UPDATE
)sql";

// `scope` selects the owner filter; the keyset condition pages newest first.
constexpr const char* kListClaims =
    "SELECT " KRONOS_EXPENSE_CLAIM_COLUMNS
    "FROM claims c LEFT JOIN directory d ON d.user_id = c.user_id "
    "WHERE ($1 = 'all' "
    "       OR ($1 = 'mine' AND c.user_id = $2::uuid) "
    "       OR ($1 = 'team' AND c.user_id IN "
    "           (SELECT t.user_id FROM directory t WHERE t.manager_id = $2::uuid))) "
    "  AND ($3::text IS NULL OR c.status = $3::text) "
    "  AND ($4::timestamptz IS NULL OR (c.created_at, c.id) < ($4::timestamptz, $5::uuid)) "
    "ORDER BY c.created_at DESC, c.id DESC "
    "LIMIT $6";

#undef KRONOS_EXPENSE_CLAIM_COLUMNS

constexpr const char* kInsertClaim = R"sql(
    INSERT INTO claims (user_id, user_name, title, base_currency)
    VALUES ($1::uuid, $2, $3, $4)
    RETURNING id::text
)sql";

constexpr const char* kUpdateClaimTitle = R"sql(
    UPDATE claims SET title = $2, version = version + 1, updated_at = now()
    WHERE id = $1::uuid
)sql";

constexpr const char* kIncrementClaimVersion = R"sql(
    UPDATE claims SET version = version + 1, updated_at = now()
    WHERE id = $1::uuid
)sql";

// A new submission starts a new review, so the previous decision and note are cleared; the
// audit log keeps them.
constexpr const char* kMarkClaimSubmitted = R"sql(
    UPDATE claims
    SET status = 'submitted', submitted_at = now(), approver_id = $2::uuid,
        decided_by = NULL, decided_at = NULL, note = NULL,
        version = version + 1, updated_at = now()
    WHERE id = $1::uuid
)sql";

constexpr const char* kMarkClaimDecided = R"sql(
    UPDATE claims
    SET status = $2, decided_by = $3::uuid, decided_at = now(), note = $4,
        version = version + 1, updated_at = now()
    WHERE id = $1::uuid
)sql";

constexpr const char* kMarkClaimReimbursed = R"sql(
    UPDATE claims
    SET status = 'reimbursed', reimbursed_at = now(), reference = $2,
        version = version + 1, updated_at = now()
    WHERE id = $1::uuid
)sql";

#define KRONOS_EXPENSE_ITEM_COLUMNS                                                       \
    "i.id::text, i.claim_id::text, i.item_date::text, i.category, i.amount, i.currency, " \
    "i.rate::text, i.amount_base, i.base_currency, i.merchant, i.description, "           \
    "EXISTS (SELECT 1 FROM receipts r WHERE r.item_id = i.id), i.policy_violations::text "

constexpr const char* kListItems = "SELECT " KRONOS_EXPENSE_ITEM_COLUMNS
                                   "FROM claim_items i WHERE i.claim_id = $1::uuid "
                                   "ORDER BY i.item_date, i.created_at, i.id";

constexpr const char* kFindItem =
    "SELECT " KRONOS_EXPENSE_ITEM_COLUMNS
    "FROM claim_items i WHERE i.claim_id = $1::uuid AND i.id = $2::uuid";

constexpr const char* kInsertItem =
    "INSERT INTO claim_items AS i (claim_id, item_date, category, amount, currency, rate, "
    "  amount_base, base_currency, merchant, description, policy_violations) "
    "VALUES ($1::uuid, $2::date, $3, $4, $5, $6::numeric, $7, $8, $9, $10, $11::jsonb) "
    "RETURNING " KRONOS_EXPENSE_ITEM_COLUMNS;

#undef KRONOS_EXPENSE_ITEM_COLUMNS

constexpr const char* kDeleteItem = R"sql(
    DELETE FROM claim_items WHERE claim_id = $1::uuid AND id = $2::uuid
    RETURNING id
)sql";

constexpr const char* kUpsertReceipt = R"sql(
    INSERT INTO receipts (item_id, media_type, sha256, size_bytes, content)
    VALUES ($1::uuid, $2, $3, $4, $5)
    ON CONFLICT (item_id) DO UPDATE
    SET media_type = EXCLUDED.media_type, sha256 = EXCLUDED.sha256,
        size_bytes = EXCLUDED.size_bytes, content = EXCLUDED.content, uploaded_at = now()
)sql";

constexpr const char* kFindReceipt = R"sql(
    SELECT r.media_type, r.sha256, r.content
    FROM receipts r JOIN claim_items i ON i.id = r.item_id
    WHERE i.claim_id = $1::uuid AND r.item_id = $2::uuid
)sql";

ClaimRow read_claim(const pqxx::row& row) {
    ClaimRow claim;
    claim.id = row[0].as<std::string>();
    claim.user_id = row[1].as<std::string>();
    claim.user_name = row[2].as<std::string>();
    claim.title = row[3].as<std::string>();
    claim.status = row[4].as<std::string>();
    claim.base_currency = row[5].as<std::string>();
    claim.total = row[6].as<std::int64_t>();
    claim.approver_id = nullable_text(row[7]);
    claim.submitted_at = nullable_text(row[8]);
    claim.decided_by = nullable_text(row[9]);
    claim.decided_at = nullable_text(row[10]);
    claim.note = nullable_text(row[11]);
    claim.reimbursed_at = nullable_text(row[12]);
    claim.reference = nullable_text(row[13]);
    claim.version = row[14].as<int>();
    claim.created_key = row[15].as<std::string>();
    return claim;
}

ItemRow read_item(const pqxx::row& row) {
    ItemRow item;
    item.id = row[0].as<std::string>();
    item.claim_id = row[1].as<std::string>();
    item.date = row[2].as<std::string>();
    item.category = row[3].as<std::string>();
    item.amount = row[4].as<std::int64_t>();
    item.currency = row[5].as<std::string>();
    item.rate = row[6].as<std::string>();
    item.amount_base = row[7].as<std::int64_t>();
    item.base_currency = row[8].as<std::string>();
    item.merchant = row[9].as<std::string>();
    item.description = row[10].as<std::string>();
    item.has_receipt = row[11].as<bool>();
    item.policy_violations = row[12].as<std::string>();
    return item;
}

}  // namespace

std::optional<ClaimRow> find_claim(pqxx::work& tx, const std::string& id) {
    auto result = tx.exec_params(kFindClaim, id);
    if (result.empty()) {
        return std::nullopt;
    }
    return read_claim(result[0]);
}

std::optional<ClaimRow> lock_claim(pqxx::work& tx, const std::string& id) {
    if (tx.exec_params(kLockClaim, id).empty()) {
        return std::nullopt;
    }
    return find_claim(tx, id);
}

std::vector<ClaimRow> list_claims(pqxx::work& tx, const ClaimListQuery& query) {
    std::vector<ClaimRow> claims;
    auto result = tx.exec_params(kListClaims, query.scope, query.caller_id, nullable(query.status),
                                 nullable(query.after_created_key), nullable(query.after_id),
                                 static_cast<long>(query.limit + 1));
    for (const auto& row : result) {
        claims.push_back(read_claim(row));
    }
    return claims;
}

std::string insert_claim(pqxx::work& tx, const std::string& user_id, const std::string& user_name,
                         const std::string& title, const std::string& base_currency) {
    return tx.exec_params1(kInsertClaim, user_id, user_name, title, base_currency)[0]
        .as<std::string>();
}

void update_claim_title(pqxx::work& tx, const std::string& id, const std::string& title) {
    tx.exec_params(kUpdateClaimTitle, id, title);
}

void increment_claim_version(pqxx::work& tx, const std::string& id) {
    tx.exec_params(kIncrementClaimVersion, id);
}

void mark_claim_submitted(pqxx::work& tx, const std::string& id,
                          const std::optional<std::string>& approver_id) {
    tx.exec_params(kMarkClaimSubmitted, id, nullable(approver_id));
}

void mark_claim_decided(pqxx::work& tx, const std::string& id, const std::string& status,
                        const std::string& decided_by, const std::optional<std::string>& note) {
    tx.exec_params(kMarkClaimDecided, id, status, decided_by, nullable(note));
}

void mark_claim_reimbursed(pqxx::work& tx, const std::string& id,
                           const std::optional<std::string>& reference) {
    tx.exec_params(kMarkClaimReimbursed, id, nullable(reference));
}

std::vector<ItemRow> list_items(pqxx::work& tx, const std::string& claim_id) {
    std::vector<ItemRow> items;
    for (const auto& row : tx.exec_params(kListItems, claim_id)) {
        items.push_back(read_item(row));
    }
    return items;
}

std::optional<ItemRow> find_item(pqxx::work& tx, const std::string& claim_id,
                                 const std::string& item_id) {
    auto result = tx.exec_params(kFindItem, claim_id, item_id);
    if (result.empty()) {
        return std::nullopt;
    }
    return read_item(result[0]);
}

ItemRow insert_item(pqxx::work& tx, const std::string& claim_id, const NewItem& item) {
    auto row = tx.exec_params1(kInsertItem, claim_id, item.date, item.category,
                               static_cast<long>(item.amount), item.currency, item.rate,
                               static_cast<long>(item.amount_base), item.base_currency,
                               item.merchant, item.description, item.policy_violations);
    return read_item(row);
}

bool delete_item(pqxx::work& tx, const std::string& claim_id, const std::string& item_id) {
    return !tx.exec_params(kDeleteItem, claim_id, item_id).empty();
}

void upsert_receipt(pqxx::work& tx, const std::string& item_id, const std::string& media_type,
                    const std::string& sha256, const std::string& content) {
    tx.exec_params(kUpsertReceipt, item_id, media_type, sha256, static_cast<long>(content.size()),
                   pqxx::binarystring(content));
}

std::optional<ReceiptRow> find_receipt(pqxx::work& tx, const std::string& claim_id,
                                       const std::string& item_id) {
    auto result = tx.exec_params(kFindReceipt, claim_id, item_id);
    if (result.empty()) {
        return std::nullopt;
    }
    const auto& row = result[0];
    return ReceiptRow{row[0].as<std::string>(), row[1].as<std::string>(),
                      pqxx::binarystring(row[2]).str()};
}

}  // namespace kronos::expense::store
