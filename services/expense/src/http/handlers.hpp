#pragma once

// One handler per route of the expense API; routes.cpp binds them.

#include "http/context.hpp"
#include "kronos/core/http.hpp"

namespace kronos::expense::http {

// categories.cpp
core::Response list_categories(Context& context, core::Request& request);
core::Response create_category(Context& context, core::Request& request);
core::Response update_category(Context& context, core::Request& request);

// rates.cpp
core::Response get_rates(Context& context, core::Request& request);
core::Response put_rates(Context& context, core::Request& request);

// claims.cpp
core::Response create_claim(Context& context, core::Request& request);
core::Response list_claims(Context& context, core::Request& request);
core::Response get_claim(Context& context, core::Request& request);
core::Response update_claim(Context& context, core::Request& request);

// items.cpp
core::Response add_item(Context& context, core::Request& request);
core::Response delete_item(Context& context, core::Request& request);
core::Response put_receipt(Context& context, core::Request& request);
core::Response get_receipt(Context& context, core::Request& request);

// transitions.cpp
core::Response submit_claim(Context& context, core::Request& request);
core::Response approve_claim(Context& context, core::Request& request);
core::Response reject_claim(Context& context, core::Request& request);
core::Response return_claim(Context& context, core::Request& request);
core::Response reimburse_claim(Context& context, core::Request& request);

// reports.cpp
core::Response claims_csv(Context& context, core::Request& request);

}  // namespace kronos::expense::http
