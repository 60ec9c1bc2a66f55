#include "store/audit_store.hpp"

#include <boost/json/serialize.hpp>

namespace kronos::auth::store {

namespace {

constexpr const char* kInsertAudit =
    "INSERT INTO audit_log (actor_id, action, subject_id, details) "
    "VALUES ($1::uuid, $2, $3::uuid, $4::jsonb)";

}  // namespace

void write_audit(pqxx::work& tx, const std::optional<std::string>& actor_id,
                 const std::string& action, const std::optional<std::string>& subject_id,
                 const boost::json::object& details) {
    tx.exec_params(kInsertAudit, actor_id, action, subject_id, boost::json::serialize(details));
}

}  // namespace kronos::auth::store
