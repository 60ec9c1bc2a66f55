#pragma once

// The audit trail: one row per state change that matters, written inside the transaction that
// makes the change, so a change and its audit row commit or roll back together.

#include <boost/json/object.hpp>
#include <pqxx/pqxx>
#include <string>

namespace kronos::leave::store {

// The user who makes a change, and the HTTP request that carries it.
struct Actor {
    std::string user_id;
    std::string request_id;  // X-Request-ID, to join audit rows with the logs
};

struct AuditEvent {
    std::string action;       // for example "leave_request.approve"
    std::string entity_type;  // "leave_request", "leave_type", "holiday", "balance_entry"
    std::string entity_id;
    boost::json::object details;
};

void insert_audit_event(pqxx::work& tx, const Actor& actor, const AuditEvent& event);

}  // namespace kronos::leave::store
