#include "store/holidays.hpp"

#include "domain/icalendar.hpp"
#include "http/access.hpp"
#include "http/bodies.hpp"
#include "http/handlers.hpp"
#include "http/views.hpp"
#include "kronos/core/errors.hpp"
#include "kronos/core/json.hpp"
#include "store/errors.hpp"

namespace kronos::leave::http {

namespace {

// Yearly recurring events in an import are expanded over these years around the current one.
constexpr int kRecurrenceYearsBack = 1;
constexpr int kRecurrenceYearsAhead = 2;

// Maximum holiday name length that the holiday table accepts, in UTF-8 code points.
constexpr std::size_t kMaxHolidayNameLength = 200;

// Cuts `name` to kMaxHolidayNameLength code points, never inside a UTF-8 sequence.
std::string truncate_name(const std::string& name) {
    std::size_t code_points = 0;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const bool starts_code_point = (static_cast<unsigned char>(name[i]) & 0xC0) != 0x80;
        if (starts_code_point && ++code_points > kMaxHolidayNameLength) {
            return name.substr(0, i);
        }
    }
    return name;
}

}  // namespace

Response list_holidays(Database& db, Request& request) {
    const std::optional<int> year = core::query_year(request, "year");
    return Response::json(200, json_array(store::read_holidays(db, year), holiday_json));
}

Response create_holiday(Database& db, Request& request) {
    require_hr_or_admin(request, "add holidays");
    const store::Holiday holiday = parse_holiday(core::parse_json_body(request));
    return Response::json(201, holiday_json(store::create_holiday(db, actor_of(request), holiday)));
}

Response delete_holiday(Database& db, Request& request) {
    require_hr_or_admin(request, "delete holidays");
    const std::string& text = request.param("date");
    const auto date = core::parse_date(text);
    if (!date) {
        throw core::ApiError::not_found("No holiday on '" + text +
                                        "'; give the date as YYYY-MM-DD.");
    }
    store::delete_holiday(db, actor_of(request), *date);
    return Response::no_content();
}

Response import_holidays(Database& db, Request& request) {
    require_hr_or_admin(request, "import holidays");
    if (request.content_type() != "text/calendar") {
        throw core::ApiError(core::ErrorKind::unsupported_media_type,
                             "Send the holidays as an iCalendar file with "
                             "'Content-Type: text/calendar'.");
    }

    const int this_year = static_cast<int>(core::today_utc().year());
    const domain::YearRange years{this_year - kRecurrenceYearsBack,
                                  this_year + kRecurrenceYearsAhead};
    const auto parsed = domain::parse_icalendar(request.body, years);
    if (!parsed.ok()) {
        throw core::ApiError::invalid("The body is not an iCalendar file: " +
                                      parsed.error().message);
    }

    std::vector<domain::ImportedHoliday> holidays = parsed.value().holidays;
    for (auto& holiday : holidays) {
        holiday.name = truncate_name(holiday.name);
    }
    const auto& errors = parsed.value().errors;
    const store::HolidayImportResult result =
        store::import_holidays(db, actor_of(request), holidays, errors.size());

    boost::json::array error_list;
    for (const auto& error : errors) {
        error_list.push_back(boost::json::object{{"line", error.line}, {"message", error.message}});
    }
    return Response::json(200, boost::json::object{{"created", result.created},
                                                   {"updated", result.updated},
                                                   {"unchanged", result.unchanged},
                                                   {"errors", std::move(error_list)}});
}

}  // namespace kronos::leave::http
