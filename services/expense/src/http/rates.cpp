#include "store/rates.hpp"

#include "http/common.hpp"
#include "http/handlers.hpp"
#include "http/input.hpp"
#include "kronos/core/date.hpp"
#include "kronos/core/errors.hpp"
#include "kronos/core/json.hpp"
#include "store/audit.hpp"

namespace kronos::expense::http {

core::Response get_rates(Context& context, core::Request& request) {
    request.user();
    const std::string date =
        core::format_date(core::query_date(request, "date").value_or(core::today_utc()));

    auto rates = context.db.transact("get_rates", [&](pqxx::work& tx) {
        return store::rates_in_force(tx, context.base_currency, date);
    });

    boost::json::object by_currency;
    boost::json::object in_force_since;
    for (const auto& rate : rates) {
        by_currency[rate.currency] = rate.rate;
        in_force_since[rate.currency] = rate.rate_date;
    }
    return core::Response::json(200, boost::json::object{
                                         {"date", date},
                                         {"base_currency", context.base_currency},
                                         {"rates", std::move(by_currency)},
                                         {"in_force_since", std::move(in_force_since)},
                                     });
}

core::Response put_rates(Context& context, core::Request& request) {
    if (!request.user().is_hr_or_admin()) {
        throw core::ApiError::forbidden("Only hr and admin may set exchange rates.");
    }
    const auto date = core::parse_date(request.param("date"));
    if (!date) {
        throw core::ApiError::invalid("The path must end with a date as YYYY-MM-DD, got '" +
                                      request.param("date") + "'.")
            .with_field("date", "must be a date as YYYY-MM-DD");
    }
    const std::string date_text = core::format_date(*date);
    const auto rates = parse_rates_input(core::parse_json_body(request), context.base_currency);

    boost::json::object stored;
    for (const auto& rate : rates) {
        stored[rate.currency] = domain::format_rate(rate.rate);
    }
    context.db.transact("set_exchange_rates", [&](pqxx::work& tx) {
        for (const auto& rate : rates) {
            store::upsert_rate(tx, date_text, rate.currency, context.base_currency,
                               domain::format_rate(rate.rate), request.user().id);
        }
        store::insert_audit(tx, request.user().id, "rates.set", "exchange_rates", date_text,
                            {{"base_currency", context.base_currency}, {"rates", stored}});
    });

    return core::Response::json(200, boost::json::object{
                                         {"date", date_text},
                                         {"base_currency", context.base_currency},
                                         {"rates", stored},
                                     });
}

}  // namespace kronos::expense::http
