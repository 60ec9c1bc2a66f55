#pragma once

#include "http/context.hpp"

namespace kronos::auth::http {

// Binds every auth route to the service's router.
void bind_routes(core::Service& service, AuthContext& context);

}  // namespace kronos::auth::http
