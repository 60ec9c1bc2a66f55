#pragma once

// Small checks every leave handler shares: roles, path ids and optional bodies.

#include <boost/json/object.hpp>
#include <string>

#include "kronos/core/http.hpp"
#include "store/audit.hpp"

namespace kronos::leave::http {

// The caller and the request id, for audit rows.
store::Actor actor_of(const core::Request& request);

// 403 unless the caller's role is hr or admin.
void require_hr_or_admin(const core::Request& request, std::string_view action);

// Returns the path parameter `name` when it is a UUID, and throws 404 otherwise, because no
// resource has such an id.
std::string path_uuid(const core::Request& request, const std::string& name);

// The JSON object of the body, or an empty object when the body is empty (for routes whose
// members are all optional).
boost::json::object optional_json_body(const core::Request& request);

}  // namespace kronos::leave::http
