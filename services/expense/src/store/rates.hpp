#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "store/rows.hpp"

namespace kronos::expense::store {

// For each currency, the latest rate to `base_currency` dated on or before `date`.
std::vector<RateRow> rates_in_force(pqxx::work& tx, const std::string& base_currency,
                                    const std::string& date);
std::optional<RateRow> rate_in_force(pqxx::work& tx, const std::string& base_currency,
                                     const std::string& currency, const std::string& date);
// Inserts or replaces the rate of `currency` dated `date`.
void upsert_rate(pqxx::work& tx, const std::string& date, const std::string& currency,
                 const std::string& base_currency, const std::string& rate,
                 const std::string& set_by);

}  // namespace kronos::expense::store
