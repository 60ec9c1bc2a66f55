#include "store/rates.hpp"

namespace kronos::expense::store {

namespace {

// `rate::text` keeps the decimals as they were entered, because the column is unscaled numeric.
constexpr const char* kRatesInForce = R"sql(
    SELECT DISTINCT ON (currency) currency, rate::text, rate_date::text
    FROM exchange_rates
    WHERE base_currency = $1 AND rate_date <= $2::date
    ORDER BY currency, rate_date DESC
)sql";

constexpr const char* kRateInForce = R"sql(
    SELECT currency, rate::text, rate_date::text
    FROM exchange_rates
    WHERE base_currency = $1 AND currency = $2 AND rate_date <= $3::date
    ORDER BY rate_date DESC
    LIMIT 1
)sql";

constexpr const char* kUpsertRate = R"sql(
    INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, set_by)
    VALUES ($1::date, $2, $3, $4::numeric, $5::uuid)
    ON CONFLICT (rate_date, currency) DO UPDATE
    SET base_currency = EXCLUDED.base_currency, rate = EXCLUDED.rate,
        set_by = EXCLUDED.set_by, updated_at = now()
)sql";

RateRow read_rate(const pqxx::row& row) {
    return RateRow{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()};
}

}  // namespace

std::vector<RateRow> rates_in_force(pqxx::work& tx, const std::string& base_currency,
                                    const std::string& date) {
    std::vector<RateRow> rates;
    for (const auto& row : tx.exec_params(kRatesInForce, base_currency, date)) {
        rates.push_back(read_rate(row));
    }
    return rates;
}

std::optional<RateRow> rate_in_force(pqxx::work& tx, const std::string& base_currency,
                                     const std::string& currency, const std::string& date) {
    auto result = tx.exec_params(kRateInForce, base_currency, currency, date);
    if (result.empty()) {
        return std::nullopt;
    }
    return read_rate(result[0]);
}

void upsert_rate(pqxx::work& tx, const std::string& date, const std::string& currency,
                 const std::string& base_currency, const std::string& rate,
                 const std::string& set_by) {
    tx.exec_params(kUpsertRate, date, currency, base_currency, rate, set_by);
}

}  // namespace kronos::expense::store
