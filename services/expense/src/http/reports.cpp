#include "store/reports.hpp"

#include "domain/claim_status.hpp"
#include "domain/csv.hpp"
#include "domain/money.hpp"
#include "http/handlers.hpp"
#include "kronos/core/date.hpp"
#include "kronos/core/errors.hpp"
#include "kronos/core/json.hpp"

namespace kronos::expense::http {

namespace {

using domain::CsvCell;
using domain::CsvCellKind;

std::string format_money_amount(std::int64_t minor, const std::string& currency) {
    return domain::format_minor_units(minor, domain::currency_digits(currency).value_or(2));
}

std::string csv_row(const store::ReportRow& row) {
    const std::string amount = format_money_amount(row.amount, row.currency);
    const std::string amount_base = format_money_amount(row.amount_base, row.base_currency);
    const auto value = [](const std::string& text) { return CsvCell{text, CsvCellKind::value}; };
    const auto text = [](const std::string& content) {
        return CsvCell{content, CsvCellKind::text};
    };
    const std::string empty;

    return domain::format_csv_row({
        value(row.claim_id),
        text(row.employee),
        text(row.email),
        text(row.title),
        value(row.status),
        value(row.item_date),
        value(row.category),
        text(row.merchant),
        text(row.description),
        value(amount),
        value(row.currency),
        value(row.rate),
        value(amount_base),
        value(row.base_currency),
        value(row.submitted_at ? *row.submitted_at : empty),
        value(row.decided_at ? *row.decided_at : empty),
        value(row.reimbursed_at ? *row.reimbursed_at : empty),
        text(row.reference ? *row.reference : empty),
    });
}

}  // namespace

core::Response claims_csv(Context& context, core::Request& request) {
    if (!request.user().is_hr_or_admin()) {
        throw core::ApiError::forbidden("Only hr and admin may export claims.");
    }
    auto status = request.query_param("status");
    if (status && !domain::parse_claim_status(*status)) {
        throw core::ApiError::invalid(
            "Query parameter 'status' must be draft, submitted, approved, rejected or "
            "reimbursed.")
            .with_field("status", "must be draft, submitted, approved, rejected or reimbursed");
    }
    const auto from = core::query_date(request, "from");
    const auto to = core::query_date(request, "to");
    if (from && to && *from > *to) {
        throw core::ApiError::invalid("Query parameter 'to' must not be before 'from'.")
            .with_field("to", "must not be before from");
    }
    const auto from_text = from ? std::optional(core::format_date(*from)) : std::nullopt;
    const auto to_text = to ? std::optional(core::format_date(*to)) : std::nullopt;

    auto rows = context.db.transact("export_claims", [&](pqxx::work& tx) {
        return store::report_items(tx, status, from_text, to_text);
    });

    // NOTE: the whole export is built in memory; filter by dates to keep it small.
    std::string body = domain::format_csv_row({
        {"claim_id", CsvCellKind::value},
        {"employee", CsvCellKind::value},
        {"email", CsvCellKind::value},
        {"title", CsvCellKind::value},
        {"status", CsvCellKind::value},
        {"item_date", CsvCellKind::value},
        {"category", CsvCellKind::value},
        {"merchant", CsvCellKind::value},
        {"description", CsvCellKind::value},
        {"amount", CsvCellKind::value},
        {"currency", CsvCellKind::value},
        {"rate", CsvCellKind::value},
        {"amount_base", CsvCellKind::value},
        {"base_currency", CsvCellKind::value},
        {"submitted_at", CsvCellKind::value},
        {"decided_at", CsvCellKind::value},
        {"reimbursed_at", CsvCellKind::value},
        {"reference", CsvCellKind::value},
    });
    for (const auto& row : rows) {
        body += csv_row(row);
    }

    auto response =
        core::Response::raw(200, "text/csv; charset=utf-8; header=present", std::move(body));
    response.with_header("Content-Disposition", "attachment; filename=\"claims.csv\"");
    response.with_header("Cache-Control", "private, no-store");
    return response;
}

}  // namespace kronos::expense::http
