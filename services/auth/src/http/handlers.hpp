#pragma once

// auth's request handlers, one file per resource; routes.cpp binds them to paths.

#include "http/context.hpp"
#include "kronos/core/http.hpp"

namespace kronos::auth::http {

// sessions.cpp
core::Response login(AuthContext& context, core::Request& request);
core::Response refresh(AuthContext& context, core::Request& request);
core::Response logout(AuthContext& context, core::Request& request);

// me.cpp
core::Response get_me(AuthContext& context, core::Request& request);
core::Response change_my_password(AuthContext& context, core::Request& request);

// jwks.cpp
core::Response get_jwks(AuthContext& context, core::Request& request);

// users.cpp
core::Response list_users(AuthContext& context, core::Request& request);
core::Response create_user(AuthContext& context, core::Request& request);
core::Response get_user(AuthContext& context, core::Request& request);
core::Response update_user(AuthContext& context, core::Request& request);
core::Response unlock_user(AuthContext& context, core::Request& request);
core::Response reset_password(AuthContext& context, core::Request& request);

// import.cpp
core::Response import_users(AuthContext& context, core::Request& request);

}  // namespace kronos::auth::http
