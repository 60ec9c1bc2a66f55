#include "store/holidays.hpp"

#include "kronos/core/errors.hpp"
#include "store/columns.hpp"

namespace kronos::leave::store {

namespace {

constexpr const char* kSelectHolidayDates = R"sql(
    SELECT date::text FROM holiday WHERE date BETWEEN $1::date AND $2::date
)sql";

constexpr const char* kSelectHolidaysOfYear = R"sql(
    SELECT date::text, name FROM holiday
     WHERE date >= make_date($1::int, 1, 1) AND date < make_date($1::int + 1, 1, 1)
     ORDER BY date
)sql";

constexpr const char* kSelectAllHolidays = R"sql(
    SELECT date::text, name FROM holiday ORDER BY date
)sql";

constexpr const char* kInsertHoliday = R"sql(
    INSERT INTO holiday (date, name) VALUES ($1::date, $2)
    ON CONFLICT (date) DO NOTHING
)sql";

constexpr const char* kDeleteHoliday = R"sql(
    DELETE FROM holiday WHERE date = $1::date RETURNING name
)sql";

// Returns no row when the holiday exists with the same name. `inserted` is true for a new row
// and false for a renamed one, because xmax is 0 only for a row this statement inserted.
constexpr const char* kUpsertHoliday = R"sql(
    INSERT INTO holiday (date, name) VALUES ($1::date, $2)
    ON CONFLICT (date) DO UPDATE SET name = EXCLUDED.name, updated_at = now()
     WHERE holiday.name IS DISTINCT FROM EXCLUDED.name
    RETURNING (xmax = 0) AS inserted
)sql";

}  // namespace

domain::HolidaySet select_holiday_dates(pqxx::work& tx, Date first, Date last) {
    domain::HolidaySet dates;
    for (const auto& row :
         tx.exec_params(kSelectHolidayDates, core::format_date(first), core::format_date(last))) {
        dates.insert(date_column(row[0]));
    }
    return dates;
}

std::vector<Holiday> read_holidays(core::Database& db, std::optional<int> year) {
    return db.transact("read_holidays", [&](pqxx::work& tx) {
        const pqxx::result rows = year ? tx.exec_params(kSelectHolidaysOfYear, *year)
                                       : tx.exec_params(kSelectAllHolidays);
        std::vector<Holiday> holidays;
        for (const auto& row : rows) {
            holidays.push_back(Holiday{date_column(row[0]), row[1].as<std::string>()});
        }
        return holidays;
    });
}

Holiday create_holiday(core::Database& db, const Actor& actor, const Holiday& holiday) {
    return db.transact("create_holiday", [&](pqxx::work& tx) {
        const std::string date = core::format_date(holiday.date);
        if (tx.exec_params(kInsertHoliday, date, holiday.name).affected_rows() == 0) {
            throw core::ApiError::conflict("A holiday already exists on " + date +
                                           "; delete it first to rename it.");
        }
        insert_audit_event(tx, actor,
                           {"holiday.create", "holiday", date, {{"name", holiday.name}}});
        return holiday;
    });
}

void delete_holiday(core::Database& db, const Actor& actor, Date date) {
    db.transact("delete_holiday", [&](pqxx::work& tx) {
        const std::string text = core::format_date(date);
        const pqxx::result deleted = tx.exec_params(kDeleteHoliday, text);
        if (deleted.empty()) {
            throw core::ApiError::not_found("No holiday on " + text + ".");
        }
        insert_audit_event(
            tx, actor,
            {"holiday.delete", "holiday", text, {{"name", deleted[0][0].as<std::string>()}}});
    });
}

HolidayImportResult import_holidays(core::Database& db, const Actor& actor,
                                    const std::vector<domain::ImportedHoliday>& holidays,
                                    std::size_t error_count) {
    return db.transact("import_holidays", [&](pqxx::work& tx) {
        HolidayImportResult result;
        for (const auto& holiday : holidays) {
            const pqxx::result row =
                tx.exec_params(kUpsertHoliday, core::format_date(holiday.date), holiday.name);
            if (row.empty()) {
                ++result.unchanged;
            } else if (row[0][0].as<bool>()) {
                ++result.created;
            } else {
                ++result.updated;
            }
        }
        insert_audit_event(tx, actor,
                           {"holiday.import",
                            "holiday",
                            "import",
                            {{"created", result.created},
                             {"updated", result.updated},
                             {"unchanged", result.unchanged},
                             {"errors", error_count}}});
        return result;
    });
}

}  // namespace kronos::leave::store
