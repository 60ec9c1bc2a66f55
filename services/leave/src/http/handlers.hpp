#pragma once

// The handlers of the leave API, one file per resource. Each parses and validates its input,
// checks the caller's role, calls the store and shapes the response.

#include "kronos/core/db.hpp"
#include "kronos/core/http.hpp"

namespace kronos::leave::http {

using core::Database;
using core::Request;
using core::Response;

// types.cpp
Response list_leave_types(Database& db, Request& request);
Response create_leave_type(Database& db, Request& request);
Response update_leave_type(Database& db, Request& request);

// holidays.cpp
Response list_holidays(Database& db, Request& request);
Response create_holiday(Database& db, Request& request);
Response delete_holiday(Database& db, Request& request);
Response import_holidays(Database& db, Request& request);

// balances.cpp
Response list_balances(Database& db, Request& request);
Response create_adjustment(Database& db, Request& request);

// requests.cpp
Response preview_request(Database& db, Request& request);
Response create_request(Database& db, Request& request);
Response list_requests(Database& db, Request& request);
Response get_request(Database& db, Request& request);
Response approve_request(Database& db, Request& request);
Response reject_request(Database& db, Request& request);
Response cancel_request(Database& db, Request& request);

// calendar.cpp
Response read_calendar(Database& db, Request& request);

}  // namespace kronos::leave::http
