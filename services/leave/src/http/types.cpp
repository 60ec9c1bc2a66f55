#include "http/access.hpp"
#include "http/bodies.hpp"
#include "http/handlers.hpp"
#include "http/views.hpp"
#include "kronos/core/json.hpp"
#include "store/leave_types.hpp"

namespace kronos::leave::http {

Response list_leave_types(Database& db, Request&) {
    return Response::json(200, json_array(store::read_leave_types(db), leave_type_json));
}

Response create_leave_type(Database& db, Request& request) {
    require_hr_or_admin(request, "create leave types");
    const store::LeaveType type = parse_new_leave_type(core::parse_json_body(request));
    return Response::json(201,
                          leave_type_json(store::create_leave_type(db, actor_of(request), type)));
}

Response update_leave_type(Database& db, Request& request) {
    require_hr_or_admin(request, "change leave types");
    const boost::json::object body = core::parse_json_body(request);
    const store::LeaveType updated = store::update_leave_type(
        db, actor_of(request), request.param("code"), [&body](const store::LeaveType& current) {
            return apply_leave_type_change(body, current);
        });
    return Response::json(200, leave_type_json(updated));
}

}  // namespace kronos::leave::http
