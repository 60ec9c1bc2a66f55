#pragma once

// `kronosctl logs`: the services' JSON log lines (and nginx's JSON access log) made readable as
// "time level service event request_id key=value...", other lines shown as written, with the
// runbook's error filter, a request-id filter and a time window.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kronosctl {

using TimePoint = std::chrono::system_clock::time_point;

struct LogRecord {
    bool is_json = false;
    std::string raw;
    std::string time;  // as written in the line
    std::string level;
    std::string service;
    std::string event;
    std::string request_id;
    std::vector<std::pair<std::string, std::string>> fields;  // the other keys, in line order
    std::optional<TimePoint> timestamp;
};

// Parses one line. JSON objects become fields; any other text is kept in `raw`, with the time
// read from the formats of PostgreSQL, nginx's error log and Redis when one is there.
LogRecord parse_log_line(std::string_view line);

// "time level service event request_id key=value ..." for JSON lines; the raw text otherwise.
std::string format_log_record(const LogRecord& record);

// The runbook's `grep -i "error\|exception\|critical"`, plus JSON levels error and critical.
bool is_error_record(const LogRecord& record);

// Parses RFC 3339 ("2024-05-01T12:00:00Z", "...+02:00", fractions allowed).
std::optional<TimePoint> parse_rfc3339(std::string_view text);

// Parses "30s", "10m", "2h", "1d" (a whole number and one unit).
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

// --since: an RFC 3339 time or a duration before NOW. Nothing when TEXT is neither.
std::optional<TimePoint> parse_since(std::string_view text, TimePoint now);

struct LogFilter {
    bool errors_only = false;
    std::string request_id;
    std::optional<TimePoint> since;
};

// Whether RECORD passes FILTER. A line without a time passes the time window when
// PREVIOUS_IN_WINDOW says the line before it in the same file did (continuation lines).
bool passes_filter(const LogRecord& record, const LogFilter& filter, bool previous_in_window);

struct Context;

// Lines of the stack's logs since SINCE that the runbook's error filter keeps, each prefixed
// with its log's name. Lines without a readable time are not counted. Sets ERROR when the logs
// cannot be read.
std::vector<std::string> recent_error_lines(const Context& context, TimePoint since,
                                            std::string& error);

}  // namespace kronosctl
