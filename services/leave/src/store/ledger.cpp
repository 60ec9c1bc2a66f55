#include "store/ledger.hpp"

#include "kronos/core/directory.hpp"
#include "kronos/core/errors.hpp"
#include "store/columns.hpp"
#include "store/leave_types.hpp"

namespace kronos::leave::store {

namespace {

// hashtextextended gives a 64-bit key. Two keys that collide only make unrelated balances
// wait for each other.
constexpr const char* kLockBalance = R"sql(
    SELECT pg_advisory_xact_lock(hashtextextended('leave.balance:' || $1 || ':' || $2, 0))
)sql";

constexpr const char* kInsertAllocations = R"sql(
    INSERT INTO balance_entry (user_id, type, year, kind, days_tenths, reason)
    SELECT $1::uuid, code, $2::int, 'allocation', allowance_tenths, 'yearly allowance'
      FROM leave_type
    ON CONFLICT (user_id, type, year) WHERE kind = 'allocation' DO NOTHING
)sql";

constexpr const char* kInsertAllocation = R"sql(
    INSERT INTO balance_entry (user_id, type, year, kind, days_tenths, reason)
    SELECT $1::uuid, code, $3::int, 'allocation', allowance_tenths, 'yearly allowance'
      FROM leave_type WHERE code = $2
    ON CONFLICT (user_id, type, year) WHERE kind = 'allocation' DO NOTHING
)sql";

constexpr const char* kAllocationExists = R"sql(
    SELECT EXISTS (SELECT 1 FROM balance_entry
                    WHERE user_id = $1::uuid AND type = $2 AND year = $3::int
                      AND kind = 'allocation')
)sql";

// One row per leave type, so a type without lines shows zeros.
constexpr const char* kSelectBalances = R"sql(
    SELECT t.code,
           COALESCE(SUM(e.days_tenths) FILTER (WHERE e.kind = 'allocation'), 0)::bigint,
           COALESCE(SUM(e.days_tenths) FILTER (WHERE e.kind IN ('carry_over', 'expiry')), 0)::bigint,
           COALESCE(SUM(e.days_tenths) FILTER (WHERE e.kind = 'adjustment'), 0)::bigint,
           COALESCE(-SUM(e.days_tenths) FILTER (WHERE e.kind IN ('request', 'cancellation')
                                                  AND r.status = 'approved'), 0)::bigint,
           COALESCE(-SUM(e.days_tenths) FILTER (WHERE e.kind IN ('request', 'cancellation')
                                                  AND r.status = 'pending'), 0)::bigint
      FROM leave_type t
      LEFT JOIN balance_entry e ON e.type = t.code AND e.user_id = $1::uuid AND e.year = $2::int
      LEFT JOIN leave_request r ON r.id = e.request_id
     WHERE $3::text IS NULL OR t.code = $3::text
     GROUP BY t.code
     ORDER BY t.code
)sql";

constexpr const char* kInsertRequestEntry = R"sql(
    INSERT INTO balance_entry (user_id, type, year, kind, days_tenths, request_id, reason,
                               created_by)
    VALUES ($1::uuid, $2, $3::int, 'request', $4, $5::uuid, 'leave request', $6::uuid)
)sql";

constexpr const char* kInsertCancellationEntries = R"sql(
    INSERT INTO balance_entry (user_id, type, year, kind, days_tenths, request_id, reason,
                               created_by)
    SELECT user_id, type, year, 'cancellation', -days_tenths, request_id, $2, $3::uuid
      FROM balance_entry
     WHERE request_id = $1::uuid AND kind = 'request'
)sql";

#define LEDGER_ENTRY_COLUMNS                                                             \
    " id::text, user_id::text, type, year, kind, days_tenths, request_id::text, reason," \
    " created_by::text, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "

constexpr const char* kInsertAdjustment =
    "INSERT INTO balance_entry (user_id, type, year, kind, days_tenths, reason, created_by)"
    " VALUES ($1::uuid, $2, $3::int, 'adjustment', $4, $5, $6::uuid)"
    " RETURNING" LEDGER_ENTRY_COLUMNS;

#undef LEDGER_ENTRY_COLUMNS

std::vector<BalanceFigures> balances_from(const pqxx::result& rows, int year) {
    std::vector<BalanceFigures> figures;
    for (const auto& row : rows) {
        BalanceFigures entry;
        entry.type = row[0].as<std::string>();
        entry.year = year;
        entry.balance.entitled = row[1].as<Tenths>();
        entry.balance.carried_over = row[2].as<Tenths>();
        entry.balance.adjusted = row[3].as<Tenths>();
        entry.balance.taken = row[4].as<Tenths>();
        entry.balance.pending = row[5].as<Tenths>();
        figures.push_back(std::move(entry));
    }
    return figures;
}

LedgerEntry ledger_entry_from_row(const pqxx::row& row) {
    LedgerEntry entry;
    entry.id = row[0].as<std::string>();
    entry.user_id = row[1].as<std::string>();
    entry.type = row[2].as<std::string>();
    entry.year = row[3].as<int>();
    entry.kind = row[4].as<std::string>();
    entry.days = row[5].as<Tenths>();
    entry.request_id = optional_text(row[6]);
    entry.reason = optional_text(row[7]);
    entry.created_by = optional_text(row[8]);
    entry.created_at = row[9].as<std::string>();
    return entry;
}

}  // namespace

void lock_balance(pqxx::work& tx, const std::string& user_id, const std::string& type) {
    tx.exec_params(kLockBalance, user_id, type);
}

void ensure_allocations(pqxx::work& tx, const std::string& user_id, int year) {
    tx.exec_params0(kInsertAllocations, user_id, year);
}

void ensure_allocation(pqxx::work& tx, const std::string& user_id, const std::string& type,
                       int year) {
    tx.exec_params0(kInsertAllocation, user_id, type, year);
}

bool allocation_exists(pqxx::work& tx, const std::string& user_id, const std::string& type,
                       int year) {
    return tx.exec_params1(kAllocationExists, user_id, type, year)[0].as<bool>();
}

std::vector<BalanceFigures> select_balances(pqxx::work& tx, const std::string& user_id, int year) {
    return balances_from(
        tx.exec_params(kSelectBalances, user_id, year, std::optional<std::string>{}), year);
}

domain::Balance select_balance(pqxx::work& tx, const std::string& user_id, const std::string& type,
                               int year) {
    const auto figures = balances_from(tx.exec_params(kSelectBalances, user_id, year, type), year);
    if (figures.empty()) {
        throw core::ApiError::internal("leave type '" + type + "' vanished during a transaction");
    }
    return figures.front().balance;
}

void insert_request_entries(pqxx::work& tx, const std::string& user_id, const std::string& type,
                            const std::string& request_id, const std::string& created_by,
                            const std::vector<domain::YearDays>& years) {
    for (const auto& year : years) {
        tx.exec_params0(kInsertRequestEntry, user_id, type, year.year, -year.days, request_id,
                        created_by);
    }
}

void insert_cancellation_entries(pqxx::work& tx, const std::string& request_id,
                                 const std::string& reason, const std::string& created_by) {
    tx.exec_params0(kInsertCancellationEntries, request_id, reason, created_by);
}

std::vector<BalanceFigures> read_balances(core::Database& db, const std::string& user_id,
                                          int year) {
    return db.transact("read_balances", [&](pqxx::work& tx) {
        ensure_allocations(tx, user_id, year);
        return select_balances(tx, user_id, year);
    });
}

LedgerEntry adjust_balance(core::Database& db, const Actor& actor, const Adjustment& adjustment) {
    return db.transact("adjust_balance", [&](pqxx::work& tx) {
        if (!core::find_directory_entry(tx, adjustment.user_id)) {
            throw core::ApiError::field(
                "user_id", "no user with id " + adjustment.user_id + " in the directory");
        }
        if (!select_leave_type(tx, adjustment.type)) {
            throw core::ApiError::field("type", "unknown leave type '" + adjustment.type + "'");
        }

        lock_balance(tx, adjustment.user_id, adjustment.type);
        // The allocation line first, so the adjustment is read against a complete year.
        ensure_allocation(tx, adjustment.user_id, adjustment.type, adjustment.year);
        const LedgerEntry entry = ledger_entry_from_row(
            tx.exec_params1(kInsertAdjustment, adjustment.user_id, adjustment.type, adjustment.year,
                            adjustment.days, adjustment.reason, actor.user_id));

        insert_audit_event(tx, actor,
                           {"balance.adjust",
                            "balance_entry",
                            entry.id,
                            {{"user_id", entry.user_id},
                             {"type", entry.type},
                             {"year", entry.year},
                             {"days_tenths", entry.days},
                             {"reason", adjustment.reason}}});
        return entry;
    });
}

}  // namespace kronos::leave::store
