#include "http/claim_json.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "http/common.hpp"

namespace kronos::expense::http {

namespace {

boost::json::value nullable(const std::optional<std::string>& value) {
    if (!value) {
        return nullptr;
    }
    return boost::json::string(*value);
}

}  // namespace

boost::json::object item_json(const store::ItemRow& item) {
    return boost::json::object{
        {"id", item.id},
        {"date", item.date},
        {"category", item.category},
        {"amount", money_json(item.amount, item.currency)},
        {"rate", item.rate},
        {"amount_base", money_json(item.amount_base, item.base_currency)},
        {"merchant", item.merchant},
        {"description", item.description},
        {"has_receipt", item.has_receipt},
        {"policy_violations", boost::json::parse(item.policy_violations)},
    };
}

boost::json::object claim_json(const store::ClaimRow& claim,
                               const std::optional<std::vector<store::ItemRow>>& items) {
    boost::json::object json{
        {"id", claim.id},
        {"user_id", claim.user_id},
        {"user_name", claim.user_name},
        {"title", claim.title},
        {"status", claim.status},
        {"total", money_json(claim.total, claim.base_currency)},
        {"approver_id", nullable(claim.approver_id)},
        {"submitted_at", nullable(claim.submitted_at)},
        {"decided_by", nullable(claim.decided_by)},
        {"decided_at", nullable(claim.decided_at)},
        {"note", nullable(claim.note)},
        {"reimbursed_at", nullable(claim.reimbursed_at)},
        {"reference", nullable(claim.reference)},
        {"version", claim.version},
    };
    if (items) {
        boost::json::array array;
        for (const auto& item : *items) {
            array.push_back(item_json(item));
        }
        json["items"] = std::move(array);
    }
    return json;
}

}  // namespace kronos::expense::http
