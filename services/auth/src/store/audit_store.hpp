#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <string>

namespace kronos::auth::store {

// Appends an audit_log row in the caller's transaction, so the record and the change it
// describes commit or roll back together. `details` must hold no secret.
void write_audit(pqxx::work& tx, const std::optional<std::string>& actor_id,
                 const std::string& action, const std::optional<std::string>& subject_id,
                 const boost::json::object& details = {});

}  // namespace kronos::auth::store
