#pragma once

// The balance ledger: the `balance_entry` table. A balance (user, type, year) is the sum of its
// lines, and each figure of GET /balances is a sum over one kind of line:
//   entitled      allocation lines
//   carried_over  carry_over and expiry lines
//   adjusted      adjustment lines
//   taken         request and cancellation lines of requests that are approved, negated
//   pending       request and cancellation lines of requests that are pending, negated
// A rejected or cancelled request has a request line and a cancellation line that cancel out,
// so available = entitled + carried_over + adjusted - taken - pending = the sum of all lines.

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "domain/day_count.hpp"
#include "kronos/core/db.hpp"
#include "store/audit.hpp"
#include "store/records.hpp"

namespace kronos::leave::store {

// Serialises every transaction that may lower the balances of (user, type), in any year, until
// the transaction ends. Taken before a balance is read for an overdraft check, so two
// concurrent requests cannot both spend the same days.
void lock_balance(pqxx::work& tx, const std::string& user_id, const std::string& type);

// Writes the allocation line of each leave type (or of `type` alone) for `year` unless it
// exists. Idempotent and safe under concurrency: the unique allocation index makes a second
// writer skip its row.
void ensure_allocations(pqxx::work& tx, const std::string& user_id, int year);
void ensure_allocation(pqxx::work& tx, const std::string& user_id, const std::string& type,
                       int year);

bool allocation_exists(pqxx::work& tx, const std::string& user_id, const std::string& type,
                       int year);

// Figures of every leave type for (user, year), in type order.
std::vector<BalanceFigures> select_balances(pqxx::work& tx, const std::string& user_id, int year);
domain::Balance select_balance(pqxx::work& tx, const std::string& user_id, const std::string& type,
                               int year);

// One request line per year, with the days negated.
void insert_request_entries(pqxx::work& tx, const std::string& user_id, const std::string& type,
                            const std::string& request_id, const std::string& created_by,
                            const std::vector<domain::YearDays>& years);
// A cancellation line for each request line of the request, giving its days back.
void insert_cancellation_entries(pqxx::work& tx, const std::string& request_id,
                                 const std::string& reason, const std::string& created_by);

struct Adjustment {
    std::string user_id;
    std::string type;
    int year = 0;
    Tenths days = 0;
    std::string reason;
};

// Transactions.
// Balances of every leave type for (user, year), writing missing allocation lines first.
std::vector<BalanceFigures> read_balances(core::Database& db, const std::string& user_id, int year);
// 422 when the user is not in the directory or the type is unknown.
LedgerEntry adjust_balance(core::Database& db, const Actor& actor, const Adjustment& adjustment);

}  // namespace kronos::leave::store
