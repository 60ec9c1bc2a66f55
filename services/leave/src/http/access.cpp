#include "http/access.hpp"

#include "kronos/core/errors.hpp"
#include "kronos/core/json.hpp"

namespace kronos::leave::http {

store::Actor actor_of(const core::Request& request) {
    return store::Actor{request.user().id, request.request_id};
}

void require_hr_or_admin(const core::Request& request, std::string_view action) {
    if (!request.user().is_hr_or_admin()) {
        throw core::ApiError::forbidden("Only HR and admins may " + std::string(action) + ".");
    }
}

std::string path_uuid(const core::Request& request, const std::string& name) {
    const std::string& value = request.param(name);
    if (!core::is_uuid(value)) {
        throw core::ApiError::not_found("No resource with id '" + value + "'.");
    }
    return value;
}

boost::json::object optional_json_body(const core::Request& request) {
    if (request.body.empty()) {
        return {};
    }
    return core::parse_json_body(request);
}

}  // namespace kronos::leave::http
