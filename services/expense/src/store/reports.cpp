#include "store/reports.hpp"

#include "store/params.hpp"

namespace kronos::expense::store {

namespace {

constexpr const char* kReportItems = R"sql(
    SELECT c.id::text, COALESCE(d.name, c.user_name), COALESCE(d.email, ''), c.title, c.status,
           i.item_date::text, i.category, i.merchant, i.description, i.amount, i.currency,
           i.rate::text, i.amount_base, i.base_currency,
           rfc3339(c.submitted_at), rfc3339(c.decided_at), rfc3339(c.reimbursed_at), c.reference
    FROM claim_items i
    JOIN claims c ON c.id = i.claim_id
    LEFT JOIN directory d ON d.user_id = c.user_id
    WHERE ($1::text IS NULL OR c.status = $1::text)
      AND ($2::date IS NULL OR i.item_date >= $2::date)
      AND ($3::date IS NULL OR i.item_date <= $3::date)
    ORDER BY c.submitted_at NULLS LAST, c.id, i.item_date, i.created_at, i.id
)sql";

}  // namespace

std::vector<ReportRow> report_items(pqxx::work& tx, const std::optional<std::string>& status,
                                    const std::optional<std::string>& from,
                                    const std::optional<std::string>& to) {
    std::vector<ReportRow> rows;
    for (const auto& row :
         tx.exec_params(kReportItems, nullable(status), nullable(from), nullable(to))) {
        ReportRow report;
        report.claim_id = row[0].as<std::string>();
        report.employee = row[1].as<std::string>();
        report.email = row[2].as<std::string>();
        report.title = row[3].as<std::string>();
        report.status = row[4].as<std::string>();
        report.item_date = row[5].as<std::string>();
        report.category = row[6].as<std::string>();
        report.merchant = row[7].as<std::string>();
        report.description = row[8].as<std::string>();
        report.amount = row[9].as<std::int64_t>();
        report.currency = row[10].as<std::string>();
        report.rate = row[11].as<std::string>();
        report.amount_base = row[12].as<std::int64_t>();
        report.base_currency = row[13].as<std::string>();
        report.submitted_at = nullable_text(row[14]);
        report.decided_at = nullable_text(row[15]);
        report.reimbursed_at = nullable_text(row[16]);
        report.reference = nullable_text(row[17]);
        rows.push_back(std::move(report));
    }
    return rows;
}

}  // namespace kronos::expense::store
