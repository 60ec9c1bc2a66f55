// The expense service: claims, their items and receipts, categories, exchange rates and the
// payroll export, under /api/v1/expense on port 8003.
//
// Besides the variables that kronos::core::Service reads, it reads EXPENSE_BASE_CURRENCY (the
// ISO 4217 code every claim total is kept in; EUR when unset).

#include <exception>
#include <string>

#include "domain/money.hpp"
#include "http/context.hpp"
#include "http/routes.hpp"
#include "kronos/core/config.hpp"
#include "kronos/core/directory.hpp"
#include "kronos/core/service.hpp"
#include "store/categories.hpp"

namespace {

std::string base_currency_from_environment() {
    const std::string currency = kronos::core::config::optional("EXPENSE_BASE_CURRENCY", "EUR");
    if (!kronos::expense::domain::currency_digits(currency)) {
        throw kronos::core::ConfigError(
            "EXPENSE_BASE_CURRENCY must be a three-letter ISO 4217 code in upper case, such as "
            "EUR, got '" +
            currency + "'");
    }
    return currency;
}

// Category limits are stored in the base currency that was configured when they were set, so
// a changed EXPENSE_BASE_CURRENCY leaves them in the wrong unit until HR sets them again.
std::string check_category_currency(kronos::core::Database& db, const std::string& base) {
    try {
        auto codes = db.transact("check_category_currency", [&](pqxx::work& tx) {
            return kronos::expense::store::categories_in_other_currency(tx, base);
        });
        if (codes.empty()) {
            return {};
        }
        std::string list;
        for (const auto& code : codes) {
            list += (list.empty() ? "" : ", ") + code;
        }
        return "limits of categories " + list + " are not in the base currency " + base +
               "; set them again with PATCH /categories/{code}";
    } catch (const std::exception& error) {
        return std::string("cannot read categories: ") + error.what();
    }
}

}  // namespace

int main() {
    return kronos::core::run_service_main([] {
        const std::string base_currency = base_currency_from_environment();
        kronos::core::Service service({"expense", "0001", 8003});

        kronos::expense::http::Context context{service.db(), base_currency};
        kronos::expense::http::bind_routes(service.router(), service.prefix(), context);

        service.add_readiness_check("base_currency", [&service, base_currency] {
            return check_category_currency(service.db(), base_currency);
        });
        service.add_background_task([&service](std::stop_token stop) {
            kronos::core::run_directory_consumer(service.db(), service.redis(), stop);
        });
        return service.run();
    });
}
