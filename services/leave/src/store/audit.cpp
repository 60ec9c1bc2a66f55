#include "store/audit.hpp"

#include <boost/json/serialize.hpp>
#include <optional>

namespace kronos::leave::store {

namespace {

constexpr const char* kInsertAuditEvent = R"sql(
    INSERT INTO audit_log (actor_id, action, entity_type, entity_id, details, request_id)
    VALUES ($1::uuid, $2, $3, $4, $5::jsonb, $6)
)sql";

}  // namespace

void insert_audit_event(pqxx::work& tx, const Actor& actor, const AuditEvent& event) {
    const std::optional<std::string> request_id =
        actor.request_id.empty() ? std::nullopt : std::optional<std::string>(actor.request_id);
    tx.exec_params0(kInsertAuditEvent, actor.user_id, event.action, event.entity_type,
                    event.entity_id, boost::json::serialize(event.details), request_id);
}

}  // namespace kronos::leave::store
