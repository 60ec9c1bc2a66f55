#pragma once

#include "kronos/core/service.hpp"

namespace kronos::leave::http {

// Binds every route of the leave API under service.prefix().
void bind_routes(core::Service& service);

}  // namespace kronos::leave::http
