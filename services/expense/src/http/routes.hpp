#pragma once

#include <string>

#include "http/context.hpp"
#include "kronos/core/router.hpp"

namespace kronos::expense::http {

// Binds every expense route under `prefix` (`/api/v1/expense`). `context` must outlive the
// router.
void bind_routes(core::Router& router, const std::string& prefix, Context& context);

}  // namespace kronos::expense::http
