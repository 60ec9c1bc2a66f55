#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <vector>

#include "store/rows.hpp"

namespace kronos::expense::http {

boost::json::object item_json(const store::ItemRow& item);
// A claim, with `items` only when they are given (single-claim responses, not lists).
boost::json::object claim_json(const store::ClaimRow& claim,
                               const std::optional<std::vector<store::ItemRow>>& items);

}  // namespace kronos::expense::http
