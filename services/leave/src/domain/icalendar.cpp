#include "domain/icalendar.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <set>
#include <utility>
#include <variant>

namespace kronos::leave::domain {

namespace {

using kronos::core::Date;
using std::chrono::days;
using std::chrono::sys_days;

constexpr int kMaxRecurrenceInterval = 1000;

// One property after unfolding: the physical line it started on and its text.
struct LogicalLine {
    std::size_t line = 0;
    std::string text;
};

struct Parameter {
    std::string name;   // upper case
    std::string value;  // without the quotes, and several values stay joined by commas
};

struct ContentLine {
    std::size_t line = 0;
    std::string name;  // upper case
    std::vector<Parameter> parameters;
    std::string value;

    const std::string* parameter(std::string_view parameter_name) const {
        for (const Parameter& parameter : parameters) {
            if (parameter.name == parameter_name) {
                return &parameter.value;
            }
        }
        return nullptr;
    }
};

struct DateValue {
    Date date;
    int seconds_of_day = 0;  // 0 for a DATE value
    bool has_time = false;
};

struct RecurrenceRule {
    int interval = 1;
    std::optional<std::int64_t> count;
    std::optional<Date> until;
};

struct EventDraft {
    std::size_t begin_line = 0;
    std::optional<ContentLine> dtstart;
    std::optional<ContentLine> dtend;
    std::optional<ContentLine> duration;
    std::optional<ContentLine> summary;
    std::optional<ContentLine> rrule;
    std::optional<ContentLine> status;
    std::vector<ContentLine> exdates;
    std::optional<ImportError> error;  // the first problem found while reading the event
};

std::string to_upper(std::string_view text) {
    std::string upper(text);
    for (char& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return upper;
}

bool is_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
}

bool is_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Parses a run of at most nine digits, enough for any count or interval this reader accepts.
std::optional<std::int64_t> parse_count(std::string_view text) {
    if (!is_digits(text) || text.size() > 9) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    for (char c : text) {
        value = value * 10 + (c - '0');
    }
    return value;
}

// Splits into physical lines on LF (dropping a CR before it) and joins each line that starts
// with a space or tab to the previous one without that first character (RFC 5545, 3.1).
std::vector<LogicalLine> unfold(std::string_view text) {
    constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
    if (text.starts_with(kByteOrderMark)) {
        text.remove_prefix(kByteOrderMark.size());
    }

    std::vector<LogicalLine> lines;
    std::size_t number = 0;
    while (!text.empty()) {
        const std::size_t newline = text.find('\n');
        std::string_view physical = text.substr(0, newline);
        text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
        ++number;

        if (physical.ends_with('\r')) {
            physical.remove_suffix(1);
        }
        const bool continuation =
            !physical.empty() && (physical.front() == ' ' || physical.front() == '\t');
        if (continuation && !lines.empty()) {
            lines.back().text.append(physical.substr(1));
            continue;
        }
        if (physical.find_first_not_of(" \t") == std::string_view::npos) {
            continue;
        }
        lines.push_back(LogicalLine{number, std::string(physical)});
    }
    return lines;
}

// Parses `NAME *(";" PARAM "=" VALUE *("," VALUE)) ":" VALUE`, where a parameter value in double
// quotes may contain ';', ':' and ','.
std::optional<ContentLine> parse_content_line(const LogicalLine& logical) {
    const std::string& text = logical.text;
    std::size_t pos = 0;
    auto read_name = [&]() {
        const std::size_t start = pos;
        while (pos < text.size() && is_name_char(text[pos])) {
            ++pos;
        }
        return to_upper(std::string_view(text).substr(start, pos - start));
    };

    ContentLine content;
    content.line = logical.line;
    content.name = read_name();
    if (content.name.empty()) {
        return std::nullopt;
    }

    while (pos < text.size() && text[pos] == ';') {
        ++pos;
        Parameter parameter;
        parameter.name = read_name();
        if (parameter.name.empty() || pos >= text.size() || text[pos] != '=') {
            return std::nullopt;
        }
        ++pos;
        while (true) {
            if (pos < text.size() && text[pos] == '"') {
                const std::size_t close = text.find('"', pos + 1);
                if (close == std::string::npos) {
                    return std::nullopt;
                }
                parameter.value.append(text, pos + 1, close - pos - 1);
                pos = close + 1;
            } else {
                const std::size_t end = text.find_first_of(",;:", pos);
                if (end == std::string::npos) {
                    return std::nullopt;
                }
                parameter.value.append(text, pos, end - pos);
                pos = end;
            }
            if (pos < text.size() && text[pos] == ',') {
                parameter.value += ',';
                ++pos;
                continue;
            }
            break;
        }
        content.parameters.push_back(std::move(parameter));
    }

    if (pos >= text.size() || text[pos] != ':') {
        return std::nullopt;
    }
    content.value = text.substr(pos + 1);
    return content;
}

// Parses a DATE (20261225) or DATE-TIME (20261225T093000, optionally with Z) value.
std::optional<DateValue> parse_date_value(std::string_view value, bool must_be_date) {
    if (value.size() < 8 || !is_digits(value.substr(0, 8))) {
        return std::nullopt;
    }
    const std::string iso = std::string(value.substr(0, 4)) + "-" +
                            std::string(value.substr(4, 2)) + "-" + std::string(value.substr(6, 2));
    const std::optional<Date> date = core::parse_date(iso);
    if (!date) {
        return std::nullopt;
    }
    if (value.size() == 8) {
        return DateValue{*date, 0, false};
    }

    std::string_view time = value.substr(8);
    if (time.ends_with('Z')) {
        time.remove_suffix(1);
    }
    if (must_be_date || time.size() != 7 || time.front() != 'T' || !is_digits(time.substr(1))) {
        return std::nullopt;
    }
    const int hours = (time[1] - '0') * 10 + (time[2] - '0');
    const int minutes = (time[3] - '0') * 10 + (time[4] - '0');
    const int seconds = (time[5] - '0') * 10 + (time[6] - '0');
    // 60 seconds is a leap second, which RFC 5545 allows.
    if (hours > 23 || minutes > 59 || seconds > 60) {
        return std::nullopt;
    }
    return DateValue{*date, hours * 3600 + minutes * 60 + seconds, true};
}

std::optional<DateValue> parse_date_property(const ContentLine& property) {
    const std::string* value_type = property.parameter("VALUE");
    const bool must_be_date = value_type != nullptr && to_upper(*value_type) == "DATE";
    return parse_date_value(property.value, must_be_date);
}

// Accepts the day and week forms of a DURATION ("P1D", "P2W", "+P3D"). Returns the number of
// days, or nullopt for other forms, including durations with a time part.
std::optional<std::int64_t> parse_duration_days(std::string_view value) {
    if (value.starts_with('+')) {
        value.remove_prefix(1);
    }
    if (!value.starts_with('P') || value.size() < 3) {
        return std::nullopt;
    }
    const char unit = value.back();
    const std::optional<std::int64_t> amount = parse_count(value.substr(1, value.size() - 2));
    if (!amount) {
        return std::nullopt;
    }
    if (unit == 'D') {
        return *amount;
    }
    if (unit == 'W') {
        return *amount * 7;
    }
    return std::nullopt;
}

std::string unescape_text(std::string_view value) {
    std::string text;
    text.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] != '\\' || i + 1 == value.size()) {
            text += value[i];
            continue;
        }
        const char escaped = value[++i];
        // RFC 5545 defines \\ \; \, \n and \N. Other escapes drop the backslash, which is what
        // readers do with the "\:" some exporters write.
        text += (escaped == 'n' || escaped == 'N') ? '\n' : escaped;
    }
    const std::size_t first = text.find_first_not_of(" \t");
    if (first == std::string::npos) {
        return "";
    }
    const std::size_t last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

ImportError error_at(std::size_t line, std::string message) {
    return ImportError{line, std::move(message)};
}

// Parses an RRULE value, accepting only a yearly rule on the DTSTART month and day.
std::variant<RecurrenceRule, ImportError> parse_recurrence(const ContentLine& property,
                                                           Date start) {
    RecurrenceRule rule;
    bool yearly = false;
    std::string_view rest = property.value;
    while (!rest.empty()) {
        const std::size_t separator = rest.find(';');
        const std::string_view part = rest.substr(0, separator);
        rest.remove_prefix(separator == std::string_view::npos ? rest.size() : separator + 1);
        if (part.empty()) {
            continue;
        }

        const std::size_t equals = part.find('=');
        if (equals == std::string_view::npos) {
            return error_at(property.line, "invalid RRULE part '" + std::string(part) + "'");
        }
        const std::string key = to_upper(part.substr(0, equals));
        const std::string_view value = part.substr(equals + 1);
        if (key == "FREQ") {
            if (to_upper(value) != "YEARLY") {
                return error_at(property.line, "unsupported RRULE FREQ=" + std::string(value) +
                                                   ": only FREQ=YEARLY is supported");
            }
            yearly = true;
        } else if (key == "INTERVAL") {
            const auto interval = parse_count(value);
            if (!interval || *interval < 1 || *interval > kMaxRecurrenceInterval) {
                return error_at(property.line, "invalid RRULE INTERVAL=" + std::string(value));
            }
            rule.interval = static_cast<int>(*interval);
        } else if (key == "COUNT") {
            const auto count = parse_count(value);
            if (!count || *count < 1) {
                return error_at(property.line, "invalid RRULE COUNT=" + std::string(value));
            }
            rule.count = *count;
        } else if (key == "UNTIL") {
            const auto until = parse_date_value(value, false);
            if (!until) {
                return error_at(property.line, "invalid RRULE UNTIL=" + std::string(value));
            }
            rule.until = until->date;
        } else if (key == "BYMONTH" && parse_count(value) == static_cast<unsigned>(start.month())) {
            continue;
        } else if (key == "BYMONTHDAY" &&
                   parse_count(value) == static_cast<unsigned>(start.day())) {
            continue;
        } else if (key == "WKST") {
            continue;  // only matters for weekly rules
        } else {
            return error_at(property.line,
                            "unsupported RRULE part " + std::string(part) +
                                ": only yearly rules on the DTSTART date are supported");
        }
    }
    if (!yearly) {
        return error_at(property.line, "RRULE has no FREQ=YEARLY");
    }
    return rule;
}

// Start dates of a yearly rule within `years`. COUNT counts from DTSTART, and 29 February is
// skipped in other years, as RFC 5545 prescribes for invalid dates.
std::vector<Date> expand_yearly(const RecurrenceRule& rule, Date start, YearRange years) {
    std::vector<Date> starts;
    const int first_year = static_cast<int>(start.year());
    const int last_year = std::min(years.last, 9999);
    std::int64_t generated = 0;
    for (int year = first_year; year <= last_year; year += rule.interval) {
        const Date occurrence{std::chrono::year{year}, start.month(), start.day()};
        if (!occurrence.ok()) {
            continue;
        }
        ++generated;
        if ((rule.count && generated > *rule.count) || (rule.until && occurrence > *rule.until)) {
            break;
        }
        if (year >= years.first) {
            starts.push_back(occurrence);
        }
    }
    return starts;
}

// The number of dates the event covers, from DTSTART and DTEND or DURATION.
std::variant<std::int64_t, ImportError> event_length(const EventDraft& event, DateValue start) {
    if (event.dtend && event.duration) {
        return error_at(event.duration->line, "event has both DTEND and DURATION");
    }

    std::int64_t length = 1;
    if (event.dtend) {
        const std::optional<DateValue> end = parse_date_property(*event.dtend);
        if (!end) {
            return error_at(event.dtend->line, "invalid DTEND value '" + event.dtend->value +
                                                   "': expected a date such as 20261226");
        }
        if (std::pair(sys_days{end->date}, end->seconds_of_day) <
            std::pair(sys_days{start.date}, start.seconds_of_day)) {
            return error_at(event.dtend->line, "DTEND is before DTSTART");
        }
        // DTEND is exclusive: an end at midnight does not cover that date.
        sys_days last = sys_days{end->date};
        if (end->seconds_of_day == 0) {
            last -= days{1};
        }
        length = std::max<std::int64_t>(1, (last - sys_days{start.date}).count() + 1);
    } else if (event.duration) {
        const std::optional<std::int64_t> duration = parse_duration_days(event.duration->value);
        if (!duration) {
            return error_at(event.duration->line,
                            "unsupported DURATION '" + event.duration->value +
                                "': expected whole days or weeks such as P1D or P1W");
        }
        length = std::max<std::int64_t>(1, *duration);
    }

    if (length > kMaxHolidayEventDays) {
        return error_at(event.begin_line, "event lasts " + std::to_string(length) +
                                              " days, more than the maximum of " +
                                              std::to_string(kMaxHolidayEventDays));
    }
    return length;
}

std::variant<std::set<Date>, ImportError> excluded_dates(const EventDraft& event) {
    std::set<Date> excluded;
    for (const ContentLine& property : event.exdates) {
        const std::string* value_type = property.parameter("VALUE");
        const bool must_be_date = value_type != nullptr && to_upper(*value_type) == "DATE";
        std::string_view rest = property.value;
        while (!rest.empty()) {
            const std::size_t comma = rest.find(',');
            const std::optional<DateValue> date =
                parse_date_value(rest.substr(0, comma), must_be_date);
            if (!date) {
                return error_at(property.line, "invalid EXDATE value '" + property.value + "'");
            }
            excluded.insert(date->date);
            rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
        }
    }
    return excluded;
}

// Appends the event's dates to `result`, or one error when the event cannot be used.
void finish_event(const EventDraft& event, const std::optional<YearRange>& recurrence_years,
                  HolidayImport& result) {
    if (event.error) {
        result.errors.push_back(*event.error);
        return;
    }
    if (event.status && to_upper(event.status->value) == "CANCELLED") {
        return;
    }
    if (!event.dtstart) {
        result.errors.push_back(error_at(event.begin_line, "event has no DTSTART"));
        return;
    }
    const std::optional<DateValue> start = parse_date_property(*event.dtstart);
    if (!start) {
        result.errors.push_back(
            error_at(event.dtstart->line, "invalid DTSTART value '" + event.dtstart->value +
                                              "': expected a date such as 20261225 or a "
                                              "date-time such as 20261225T000000Z"));
        return;
    }

    const auto length = event_length(event, *start);
    if (const auto* error = std::get_if<ImportError>(&length)) {
        result.errors.push_back(*error);
        return;
    }

    const std::string name = event.summary ? unescape_text(event.summary->value) : "";
    if (name.empty()) {
        result.errors.push_back(error_at(event.begin_line, "event has no SUMMARY to name it"));
        return;
    }

    std::vector<Date> starts{start->date};
    if (event.rrule) {
        const auto rule = parse_recurrence(*event.rrule, start->date);
        if (const auto* error = std::get_if<ImportError>(&rule)) {
            result.errors.push_back(*error);
            return;
        }
        if (recurrence_years) {
            starts = expand_yearly(std::get<RecurrenceRule>(rule), start->date, *recurrence_years);
        }
    }

    const auto excluded = excluded_dates(event);
    if (const auto* error = std::get_if<ImportError>(&excluded)) {
        result.errors.push_back(*error);
        return;
    }

    for (Date first : starts) {
        if (std::get<std::set<Date>>(excluded).contains(first)) {
            continue;
        }
        for (std::int64_t offset = 0; offset < std::get<std::int64_t>(length); ++offset) {
            result.holidays.push_back(ImportedHoliday{Date{sys_days{first} + days{offset}}, name});
        }
    }
}

// Stores a property of the event being read, or notes why the event is invalid.
void record_property(ContentLine content, EventDraft& event) {
    if (content.name == "EXDATE") {
        event.exdates.push_back(std::move(content));
        return;
    }
    if (content.name == "RDATE") {
        event.error = error_at(content.line,
                               "RDATE is not supported; list each date as its own "
                               "event or use a yearly RRULE");
        return;
    }

    std::optional<ContentLine>* slot = nullptr;
    if (content.name == "DTSTART") {
        slot = &event.dtstart;
    } else if (content.name == "DTEND") {
        slot = &event.dtend;
    } else if (content.name == "DURATION") {
        slot = &event.duration;
    } else if (content.name == "SUMMARY") {
        slot = &event.summary;
    } else if (content.name == "RRULE") {
        slot = &event.rrule;
    } else if (content.name == "STATUS") {
        slot = &event.status;
    } else {
        return;
    }
    if (slot->has_value()) {
        event.error = error_at(content.line, content.name + " appears more than once in the event");
        return;
    }
    *slot = std::move(content);
}

struct OpenComponent {
    std::string name;
    std::size_t line = 0;
};

}  // namespace

Result<HolidayImport> parse_icalendar(std::string_view text,
                                      std::optional<YearRange> recurrence_years) {
    const std::vector<LogicalLine> lines = unfold(text);
    const std::optional<ContentLine> first =
        lines.empty() ? std::nullopt : parse_content_line(lines.front());
    if (!first || first->name != "BEGIN" || to_upper(first->value) != "VCALENDAR") {
        return DomainError{ErrorKind::invalid, "body",
                           "not an iCalendar file: the first line must be BEGIN:VCALENDAR"};
    }

    HolidayImport result;
    std::vector<OpenComponent> open;
    std::optional<EventDraft> event;
    // True while the innermost open component is the VEVENT being read, so that properties of
    // a nested VALARM do not count as the event's.
    auto in_event_body = [&]() {
        return event && open.size() == 2 && open.back().name == "VEVENT";
    };

    for (const LogicalLine& line : lines) {
        std::optional<ContentLine> content = parse_content_line(line);
        if (!content) {
            ImportError error =
                error_at(line.line, "malformed line: expected NAME[;PARAM=VALUE]:VALUE");
            if (in_event_body()) {
                if (!event->error) {
                    event->error = std::move(error);
                }
            } else {
                result.errors.push_back(std::move(error));
            }
            continue;
        }

        if (content->name == "BEGIN") {
            const std::string component = to_upper(content->value);
            if (open.empty() && component != "VCALENDAR") {
                result.errors.push_back(
                    error_at(line.line, "BEGIN:" + content->value + " outside a VCALENDAR"));
            }
            if (component == "VEVENT" && open.size() == 1 && open.front().name == "VCALENDAR") {
                event = EventDraft{};
                event->begin_line = line.line;
            }
            open.push_back(OpenComponent{component, line.line});
            continue;
        }

        if (content->name == "END") {
            const std::string component = to_upper(content->value);
            const auto match = std::find_if(open.rbegin(), open.rend(), [&](const auto& entry) {
                return entry.name == component;
            });
            if (match == open.rend()) {
                result.errors.push_back(
                    error_at(line.line, "END:" + content->value + " without a matching BEGIN"));
                continue;
            }
            // Components left open inside the one being closed are closed with it.
            while (open.back().name != component) {
                if (in_event_body()) {
                    result.errors.push_back(error_at(
                        event->begin_line, "VEVENT is not closed before END:" + content->value));
                    event.reset();
                }
                open.pop_back();
            }
            if (in_event_body()) {
                finish_event(*event, recurrence_years, result);
                event.reset();
            }
            open.pop_back();
            continue;
        }

        if (open.empty()) {
            result.errors.push_back(
                error_at(line.line, "line outside a VCALENDAR ignored: " + content->name));
        } else if (in_event_body()) {
            record_property(std::move(*content), *event);
        }
    }

    if (event) {
        result.errors.push_back(
            error_at(event->begin_line, "VEVENT has no END:VEVENT; the input may be truncated"));
    }
    if (!open.empty()) {
        result.errors.push_back(
            error_at(lines.back().line, "missing END:VCALENDAR; the input may be truncated"));
    }
    return result;
}

}  // namespace kronos::leave::domain
