#pragma once

#include <boost/json/object.hpp>
#include <pqxx/pqxx>
#include <string>

namespace kronos::expense::store {

// Records who did what to which entity, inside the transaction that made the change.
void insert_audit(pqxx::work& tx, const std::string& actor_id, const std::string& action,
                  const std::string& entity, const std::string& entity_id,
                  const boost::json::object& details);

}  // namespace kronos::expense::store
