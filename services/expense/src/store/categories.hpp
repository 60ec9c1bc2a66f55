#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "store/rows.hpp"

namespace kronos::expense::store {

std::vector<CategoryRow> list_categories(pqxx::work& tx);
std::optional<CategoryRow> find_category(pqxx::work& tx, const std::string& code);
// Locks the row until the transaction ends, so concurrent PATCHes apply one after the other.
std::optional<CategoryRow> lock_category(pqxx::work& tx, const std::string& code);
// Returns false when the code exists already.
bool insert_category(pqxx::work& tx, const CategoryRow& category);
void update_category(pqxx::work& tx, const CategoryRow& category);
// Codes of categories whose limits are in another currency than `base_currency`.
std::vector<std::string> categories_in_other_currency(pqxx::work& tx,
                                                      const std::string& base_currency);

}  // namespace kronos::expense::store
