#pragma once

// Leave types: the `leave_type` table.

#include <functional>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "kronos/core/db.hpp"
#include "store/audit.hpp"
#include "store/records.hpp"

namespace kronos::leave::store {

std::vector<LeaveType> select_leave_types(pqxx::work& tx);
std::optional<LeaveType> select_leave_type(pqxx::work& tx, const std::string& code);
// Locks the row until the transaction ends, so two concurrent changes apply one after the other.
std::optional<LeaveType> select_leave_type_for_update(pqxx::work& tx, const std::string& code);

// Transactions.
std::vector<LeaveType> read_leave_types(core::Database& db);
// 409 when the code exists.
LeaveType create_leave_type(core::Database& db, const Actor& actor, const LeaveType& type);
// Applies `change` to the current row (404 when the code is unknown) and stores the result.
// `change` runs with the row locked, validates, and may throw a 422.
LeaveType update_leave_type(core::Database& db, const Actor& actor, const std::string& code,
                            const std::function<LeaveType(const LeaveType&)>& change);

}  // namespace kronos::leave::store
