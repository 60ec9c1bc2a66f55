#pragma once

// The JSON shapes of the leave API's resources. Amounts of leave are decimal strings with one
// decimal ("2.5"), and absent optional values are JSON null.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "store/records.hpp"
#include "store/requests.hpp"

namespace kronos::leave::http {

boost::json::object leave_type_json(const store::LeaveType& type);
boost::json::object holiday_json(const store::Holiday& holiday);
boost::json::object request_json(const store::LeaveRequest& request);
boost::json::object balance_json(const store::BalanceFigures& figures);
boost::json::object ledger_entry_json(const store::LedgerEntry& entry);
boost::json::object calendar_day_json(const store::CalendarDay& day);
// {days, dates: [{date, fraction, half}], available_after, years: [{year, days, available_after}]}.
// available_after is the first year's figure, and `years` lists each year a request spans.
boost::json::object preview_json(const store::RequestPlan& plan);

template <typename Item, typename View>
boost::json::array json_array(const std::vector<Item>& items, View view) {
    boost::json::array array;
    array.reserve(items.size());
    for (const Item& item : items) {
        array.emplace_back(view(item));
    }
    return array;
}

// A list cursor as an opaque base64url token, and back. decode returns nullopt for anything
// encode_cursor did not produce.
std::string encode_cursor(const store::ListCursor& cursor);
std::optional<store::ListCursor> decode_cursor(std::string_view token);

}  // namespace kronos::leave::http
