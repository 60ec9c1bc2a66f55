#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "store/rows.hpp"

namespace kronos::expense::store {

// One row per item, of claims in `status` (any when unset) with item dates in [from, to]
// (open where unset), ordered by claim and item date.
std::vector<ReportRow> report_items(pqxx::work& tx, const std::optional<std::string>& status,
                                    const std::optional<std::string>& from,
                                    const std::optional<std::string>& to);

}  // namespace kronos::expense::store
