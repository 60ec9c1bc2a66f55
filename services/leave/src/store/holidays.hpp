#pragma once

// Public holidays: the `holiday` table. A holiday is not a working day, so requests created
// after it is added do not count it. Requests created before keep the days they were charged.

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "domain/day_count.hpp"
#include "domain/icalendar.hpp"
#include "kronos/core/db.hpp"
#include "store/audit.hpp"
#include "store/records.hpp"

namespace kronos::leave::store {

// Holidays from `first` to `last`, both inclusive.
domain::HolidaySet select_holiday_dates(pqxx::work& tx, Date first, Date last);

struct HolidayImportResult {
    int created = 0;
    int updated = 0;
    int unchanged = 0;
};

// Transactions.
// Holidays of `year`, or every holiday when it is not given, in date order.
std::vector<Holiday> read_holidays(core::Database& db, std::optional<int> year);
// 409 when the date already has a holiday.
Holiday create_holiday(core::Database& db, const Actor& actor, const Holiday& holiday);
// 404 when the date has none.
void delete_holiday(core::Database& db, const Actor& actor, Date date);
// Inserts or renames each holiday. A date listed twice takes the later name.
HolidayImportResult import_holidays(core::Database& db, const Actor& actor,
                                    const std::vector<domain::ImportedHoliday>& holidays,
                                    std::size_t error_count);

}  // namespace kronos::leave::store
