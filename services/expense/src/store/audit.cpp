#include "store/audit.hpp"

#include <boost/json/serialize.hpp>

namespace kronos::expense::store {

namespace {

constexpr const char* kInsertAudit = R"sql(
    INSERT INTO audit_log (actor_id, action, entity, entity_id, details)
    VALUES ($1::uuid, $2, $3, $4, $5::jsonb)
)sql";

}  // namespace

void insert_audit(pqxx::work& tx, const std::string& actor_id, const std::string& action,
                  const std::string& entity, const std::string& entity_id,
                  const boost::json::object& details) {
    tx.exec_params(kInsertAudit, actor_id, action, entity, entity_id,
                   boost::json::serialize(details));
}

}  // namespace kronos::expense::store
