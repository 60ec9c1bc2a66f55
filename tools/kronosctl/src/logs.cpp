#include "logs.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <csignal>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "commands.hpp"
#include "compose_model.hpp"
#include "context.hpp"
#include "process.hpp"

namespace kronosctl {
namespace {

std::string lower(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

std::string value_text(const boost::json::value& value) {
    if (value.is_string()) {
        return std::string(value.as_string());
    }
    return boost::json::serialize(value);
}

// Quotes a field value that would otherwise read as several fields.
std::string quote_if_needed(const std::string& value) {
    if (!value.empty() && value.find_first_of(" \t\"=") == std::string::npos) {
        return value;
    }
    return boost::json::serialize(boost::json::value(value));
}

bool read_int(std::string_view text, std::size_t position, std::size_t length, int& value) {
    if (position + length > text.size()) {
        return false;
    }
    const auto* begin = text.data() + position;
    const auto [end, code] = std::from_chars(begin, begin + length, value);
    return code == std::errc() && end == begin + length;
}

std::optional<TimePoint> from_fields(int year, int month, int day, int hour, int minute, int second,
                                     bool utc) {
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
        return std::nullopt;
    }
    std::tm fields{};
    fields.tm_year = year - 1900;
    fields.tm_mon = month - 1;
    fields.tm_mday = day;
    fields.tm_hour = hour;
    fields.tm_min = minute;
    fields.tm_sec = second;
    fields.tm_isdst = -1;
    const std::time_t seconds = utc ? ::timegm(&fields) : std::mktime(&fields);
    if (seconds == static_cast<std::time_t>(-1)) {
        return std::nullopt;
    }
    return std::chrono::system_clock::from_time_t(seconds);
}

// The fraction of a second after a plain-text time: ".123" (PostgreSQL, Redis) or ",123"
// (supervisord), so that lines of one second merge in their real order. Zero when absent.
std::chrono::microseconds fraction_at(std::string_view text, std::size_t position) {
    if (position >= text.size() || (text[position] != '.' && text[position] != ',')) {
        return std::chrono::microseconds(0);
    }
    long long value = 0;
    std::size_t digits = 0;
    for (auto at = position + 1;
         at < text.size() && digits < 6 && std::isdigit(static_cast<unsigned char>(text[at])) != 0;
         ++at, ++digits) {
        value = value * 10 + (text[at] - '0');
    }
    for (auto pad = digits; pad < 6; ++pad) {
        value *= 10;
    }
    return std::chrono::microseconds(digits == 0 ? 0 : value);
}

// Times of the plain-text logs: PostgreSQL "2024-05-01 12:00:00.123 UTC ...", nginx's error log
// "2024/05/01 12:00:00 [error] ..." (local time), Redis "123:M 01 May 2024 12:00:00.123 * ..."
// (local time).
std::optional<TimePoint> plain_text_time(std::string_view line) {
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    if (line.size() >= 19 && (line[4] == '-' || line[4] == '/') && line[7] == line[4] &&
        line[10] == ' ' && read_int(line, 0, 4, year) && read_int(line, 5, 2, month) &&
        read_int(line, 8, 2, day) && read_int(line, 11, 2, hour) && read_int(line, 14, 2, minute) &&
        read_int(line, 17, 2, second)) {
        const bool utc = line[4] == '-' && line.substr(19, 8).find("UTC") != std::string_view::npos;
        const auto base = from_fields(year, month, day, hour, minute, second, utc);
        if (!base) {
            return std::nullopt;
        }
        return *base + std::chrono::duration_cast<TimePoint::duration>(fraction_at(line, 19));
    }
    const auto marker = line.find(":M ");
    const auto child = line.find(":C ");
    const auto role = std::min(marker, child);
    if (role != std::string_view::npos && role < 12) {
        static constexpr std::array<std::string_view, 12> months{
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        const auto text = line.substr(role + 3);
        if (text.size() < 20 || !read_int(text, 0, 2, day) || !read_int(text, 7, 4, year) ||
            !read_int(text, 12, 2, hour) || !read_int(text, 15, 2, minute) ||
            !read_int(text, 18, 2, second)) {
            return std::nullopt;
        }
        const auto name = text.substr(3, 3);
        const auto found = std::find(months.begin(), months.end(), name);
        if (found == months.end()) {
            return std::nullopt;
        }
        month = static_cast<int>(found - months.begin()) + 1;
        const auto base = from_fields(year, month, day, hour, minute, second, false);
        if (!base) {
            return std::nullopt;
        }
        return *base + std::chrono::duration_cast<TimePoint::duration>(fraction_at(text, 20));
    }
    return std::nullopt;
}

}  // namespace

std::optional<TimePoint> parse_rfc3339(std::string_view text) {
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    if (text.size() < 20 || text[4] != '-' || text[7] != '-' ||
        (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' ||
        text[16] != ':' || !read_int(text, 0, 4, year) || !read_int(text, 5, 2, month) ||
        !read_int(text, 8, 2, day) || !read_int(text, 11, 2, hour) ||
        !read_int(text, 14, 2, minute) || !read_int(text, 17, 2, second)) {
        return std::nullopt;
    }
    auto rest = text.substr(19);
    std::chrono::microseconds fraction{0};
    if (!rest.empty() && rest.front() == '.') {
        rest.remove_prefix(1);
        std::size_t digits = 0;
        long long value = 0;
        while (digits < rest.size() &&
               std::isdigit(static_cast<unsigned char>(rest[digits])) != 0) {
            if (digits < 6) {
                value = value * 10 + (rest[digits] - '0');
            }
            ++digits;
        }
        if (digits == 0) {
            return std::nullopt;
        }
        for (std::size_t pad = digits; pad < 6; ++pad) {
            value *= 10;
        }
        fraction = std::chrono::microseconds(value);
        rest.remove_prefix(digits);
    }
    int offset_seconds = 0;
    if (rest == "Z" || rest == "z") {
        offset_seconds = 0;
    } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
        int offset_hours = 0;
        int offset_minutes = 0;
        if (!read_int(rest, 1, 2, offset_hours) || !read_int(rest, 4, 2, offset_minutes)) {
            return std::nullopt;
        }
        offset_seconds = (offset_hours * 3600 + offset_minutes * 60) * (rest[0] == '-' ? -1 : 1);
    } else {
        return std::nullopt;
    }
    auto base = from_fields(year, month, day, hour, minute, second, true);
    if (!base) {
        return std::nullopt;
    }
    return *base - std::chrono::seconds(offset_seconds) +
           std::chrono::duration_cast<std::chrono::system_clock::duration>(fraction);
}

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
    if (text.size() < 2) {
        return std::nullopt;
    }
    long long amount = 0;
    const auto number = text.substr(0, text.size() - 1);
    const auto [end, code] = std::from_chars(number.data(), number.data() + number.size(), amount);
    if (code != std::errc() || end != number.data() + number.size() || amount < 0) {
        return std::nullopt;
    }
    switch (text.back()) {
        case 's':
            return std::chrono::seconds(amount);
        case 'm':
            return std::chrono::seconds(amount * 60);
        case 'h':
            return std::chrono::seconds(amount * 3600);
        case 'd':
            return std::chrono::seconds(amount * 86400);
        default:
            return std::nullopt;
    }
}

std::optional<TimePoint> parse_since(std::string_view text, TimePoint now) {
    if (const auto duration = parse_duration(text)) {
        return now - *duration;
    }
    return parse_rfc3339(text);
}

LogRecord parse_log_line(std::string_view line) {
    LogRecord record;
    record.raw = std::string(line);
    if (!record.raw.empty() && record.raw.back() == '\r') {
        record.raw.pop_back();
    }
    const auto first = record.raw.find_first_not_of(" \t");
    if (first != std::string::npos && record.raw[first] == '{') {
        boost::system::error_code code;
        auto value = boost::json::parse(std::string_view(record.raw).substr(first), code);
        if (!code && value.is_object()) {
            record.is_json = true;
            for (const auto& member : value.as_object()) {
                const std::string key(member.key());
                const auto text = value_text(member.value());
                if (key == "ts" || key == "time" || key == "timestamp") {
                    record.time = text;
                } else if (key == "level") {
                    record.level = text;
                } else if (key == "service") {
                    record.service = text;
                } else if (key == "event") {
                    record.event = text;
                } else if (key == "request_id") {
                    record.request_id = text;
                } else {
                    record.fields.emplace_back(key, text);
                }
            }
            record.timestamp = parse_rfc3339(record.time);
            return record;
        }
    }
    record.timestamp = plain_text_time(record.raw);
    return record;
}

std::string format_log_record(const LogRecord& record) {
    if (!record.is_json) {
        return record.raw;
    }
    auto or_dash = [](const std::string& value) {
        return value.empty() ? std::string("-") : value;
    };
    std::string text = or_dash(record.time) + " " + or_dash(record.level) + " " +
                       or_dash(record.service) + " " + or_dash(record.event) + " " +
                       or_dash(record.request_id);
    for (const auto& [key, value] : record.fields) {
        text += " " + key + "=" + quote_if_needed(value);
    }
    return text;
}

bool is_error_record(const LogRecord& record) {
    const auto level = lower(record.level);
    if (level == "error" || level == "critical" || level == "fatal") {
        return true;
    }
    // A record at debug or info level is not an error even when a field is named "errors"
    // (an import that reports "errors":0, say).
    if (level == "debug" || level == "info") {
        return false;
    }
    const auto text = lower(record.raw);
    return text.find("error") != std::string::npos || text.find("exception") != std::string::npos ||
           text.find("critical") != std::string::npos;
}

bool passes_filter(const LogRecord& record, const LogFilter& filter, bool previous_in_window) {
    if (filter.errors_only && !is_error_record(record)) {
        return false;
    }
    if (!filter.request_id.empty() && record.request_id != filter.request_id) {
        return false;
    }
    if (filter.since) {
        if (record.timestamp) {
            return *record.timestamp >= *filter.since;
        }
        return previous_in_window;
    }
    return true;
}

namespace {

std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int) {
    interrupted = true;
}

struct LogsOptions {
    ContextOptions context;
    std::string service;
    bool follow = false;
    std::optional<int> tail;
    std::string since;
    bool errors = false;
    std::string request_id;
};

struct Source {
    std::string label;
    std::filesystem::path path;
    std::uintmax_t offset = 0;
    bool previous_in_window = false;
    std::string partial;
};

struct Entry {
    std::string label;
    LogRecord record;
    std::optional<TimePoint> order_time;
    std::size_t sequence = 0;
};

std::vector<Source> native_sources(const Context& context, const std::string& service) {
    std::vector<Source> sources;
    const auto logs = context.logs_dir();
    auto add = [&](const std::string& label, const std::string& file) {
        const auto path = logs / file;
        if (std::filesystem::is_regular_file(path)) {
            sources.push_back({label, path, 0, false, {}});
        }
    };
    // nginx's JSON access log is part of every request trace.
    if (service.empty()) {
        std::vector<std::filesystem::path> files;
        std::error_code error;
        for (const auto& entry : std::filesystem::directory_iterator(logs, error)) {
            if (entry.is_regular_file() && entry.path().extension() == ".log") {
                files.push_back(entry.path());
            }
        }
        std::sort(files.begin(), files.end());
        for (const auto& path : files) {
            sources.push_back({path.stem().string(), path, 0, false, {}});
        }
    } else if (service == "nginx" || service == "gateway") {
        add("nginx-access", "nginx-access.log");
        add("nginx-error", "nginx-error.log");
        add("nginx", "nginx.log");
    } else if (service == "migrate" || service == "migrations") {
        add("bootstrap", "bootstrap.log");
        add("migrations", "migrations.log");
    } else {
        add(service, service + ".log");
    }
    return sources;
}

std::vector<std::string> read_lines(Source& source) {
    std::vector<std::string> lines;
    std::ifstream file(source.path, std::ios::binary);
    if (!file) {
        return lines;
    }
    file.seekg(0, std::ios::end);
    const auto size = static_cast<std::uintmax_t>(file.tellg());
    if (size < source.offset) {
        // Rotated or truncated: start again from the beginning.
        source.offset = 0;
        source.partial.clear();
    }
    file.seekg(static_cast<std::streamoff>(source.offset));
    std::string chunk(size - source.offset, '\0');
    file.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    source.offset = size;
    std::string text = source.partial + chunk;
    source.partial.clear();
    std::size_t start = 0;
    while (true) {
        const auto newline = text.find('\n', start);
        if (newline == std::string::npos) {
            source.partial = text.substr(start);
            break;
        }
        lines.push_back(text.substr(start, newline - start));
        start = newline + 1;
    }
    return lines;
}

std::vector<Entry> filter_lines(Source& source, const std::vector<std::string>& lines,
                                const LogFilter& filter, std::size_t& sequence) {
    std::vector<Entry> entries;
    std::optional<TimePoint> last_time;
    for (const auto& line : lines) {
        auto record = parse_log_line(line);
        const bool keep = passes_filter(record, filter, source.previous_in_window);
        if (record.timestamp) {
            last_time = record.timestamp;
            source.previous_in_window = !filter.since || *record.timestamp >= *filter.since;
        }
        if (keep) {
            entries.push_back({source.label, std::move(record), last_time, sequence++});
        }
    }
    return entries;
}

void print_entry(const Entry& entry, bool labelled) {
    if (labelled) {
        std::cout << entry.label << " | ";
    }
    std::cout << format_log_record(entry.record) << '\n';
}

int run_native_logs(const Context& context, const LogsOptions& options, const LogFilter& filter) {
    if (!std::filesystem::is_directory(context.logs_dir())) {
        std::cerr << "kronosctl: no logs in " << context.logs_dir().string()
                  << " yet; start the stack with ./kronos up\n";
        return 1;
    }
    auto sources = native_sources(context, options.service);
    // A request is traced through the gateway's access log as well as the service's own log.
    if (!filter.request_id.empty() && !options.service.empty() && options.service != "nginx") {
        const auto access = context.logs_dir() / "nginx-access.log";
        if (std::filesystem::is_regular_file(access)) {
            sources.push_back({"nginx-access", access, 0, false, {}});
        }
    }
    if (sources.empty()) {
        std::cerr << "kronosctl: no log file for '" << options.service << "' in "
                  << context.logs_dir().string()
                  << "; known names: the services of docker-compose.yml, migrate, supervisord, or "
                     "none for all\n";
        return 1;
    }

    const bool filtered = filter.errors_only || !filter.request_id.empty() || filter.since;
    const std::size_t tail = options.tail
                                 ? static_cast<std::size_t>(std::max(0, *options.tail))
                                 : (filtered ? std::numeric_limits<std::size_t>::max() : 100);
    const bool labelled = sources.size() > 1;

    std::vector<Entry> all;
    std::size_t sequence = 0;
    for (auto& source : sources) {
        auto entries = filter_lines(source, read_lines(source), filter, sequence);
        if (entries.size() > tail) {
            entries.erase(entries.begin(), entries.end() - static_cast<std::ptrdiff_t>(tail));
        }
        all.insert(all.end(), std::make_move_iterator(entries.begin()),
                   std::make_move_iterator(entries.end()));
    }
    // Lines from several files are merged by time. A line without a time sorts with the line
    // before it in its file, or first when no line before it has one.
    if (labelled) {
        std::stable_sort(all.begin(), all.end(), [](const Entry& left, const Entry& right) {
            const auto left_time = left.order_time.value_or(TimePoint::min());
            const auto right_time = right.order_time.value_or(TimePoint::min());
            return left_time < right_time;
        });
    }
    for (const auto& entry : all) {
        print_entry(entry, labelled);
    }
    std::cout.flush();
    // No match is a result ("no errors"), so it is reported. The message goes to stderr, so a
    // script that reads the lines still gets empty output.
    if (all.empty() && filtered) {
        std::cerr << "kronosctl: no log line matches" << (filter.errors_only ? " --errors" : "")
                  << (filter.request_id.empty() ? "" : " --request-id " + filter.request_id)
                  << (filter.since ? " --since " + options.since : "") << '\n';
    }

    if (!options.follow) {
        return 0;
    }
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    while (!interrupted) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        for (auto& source : sources) {
            for (const auto& entry : filter_lines(source, read_lines(source), filter, sequence)) {
                print_entry(entry, labelled);
            }
        }
        std::cout.flush();
    }
    return 0;
}

// Splits Compose's "auth-1  | text" prefix from the text.
std::pair<std::string, std::string> split_compose_prefix(const std::string& line) {
    const auto bar = line.find(" | ");
    if (bar == std::string::npos || bar > 64) {
        return {"", line};
    }
    auto label = line.substr(0, bar);
    while (!label.empty() && label.back() == ' ') {
        label.pop_back();
    }
    return {label, line.substr(bar + 3)};
}

int run_compose_logs(const Context& context, const LogsOptions& options, const LogFilter& filter) {
    std::vector<std::string> arguments{"logs", "--no-color"};
    if (options.follow) {
        arguments.push_back("--follow");
    }
    if (options.tail) {
        arguments.push_back("--tail=" + std::to_string(*options.tail));
    } else if (!filter.errors_only && filter.request_id.empty() && !filter.since) {
        arguments.push_back("--tail=100");
    }
    // docker-compose 1.x has no --since, so the filter below applies the window to every line.
    if (!options.since.empty() && !context.compose_v1()) {
        arguments.push_back("--since=" + options.since);
    }
    if (!options.service.empty()) {
        arguments.push_back(options.service);
    }

    std::map<std::string, bool> previous_in_window;
    std::string pending;
    auto handle_line = [&](const std::string& line) {
        auto [label, text] = split_compose_prefix(line);
        auto record = parse_log_line(text);
        auto& window = previous_in_window[label];
        const bool keep = passes_filter(record, filter, window);
        if (record.timestamp) {
            window = !filter.since || *record.timestamp >= *filter.since;
        }
        if (keep) {
            std::cout << (label.empty() ? "" : label + " | ") << format_log_record(record) << '\n';
        }
    };
    ProcessOptions process;
    process.timeout = options.follow ? std::chrono::milliseconds(0)
                                     : std::chrono::milliseconds(std::chrono::minutes(5));
    process.merge_stderr = true;
    process.keep_output = false;
    process.on_output = [&](std::string_view chunk) {
        pending.append(chunk);
        std::size_t newline = 0;
        while ((newline = pending.find('\n')) != std::string::npos) {
            handle_line(pending.substr(0, newline));
            pending.erase(0, newline + 1);
        }
        std::cout.flush();
    };
    const auto command = context.compose(arguments);
    const auto result = run_process(command, process);
    if (!pending.empty()) {
        handle_line(pending);
    }
    if (!result.error.empty()) {
        std::cerr << "kronosctl: " << result.error << '\n';
        return 1;
    }
    if (result.exit_code != 0) {
        std::cerr << "kronosctl: " << describe_command(command) << " exited with status "
                  << result.exit_code << '\n';
        return 1;
    }
    return 0;
}

}  // namespace

std::vector<std::string> recent_error_lines(const Context& context, TimePoint since,
                                            std::string& error) {
    std::vector<std::string> lines;
    LogFilter filter;
    filter.errors_only = true;
    filter.since = since;
    if (context.mode == Mode::native) {
        if (!std::filesystem::is_directory(context.logs_dir())) {
            error = "no logs in " + context.logs_dir().string();
            return lines;
        }
        std::size_t sequence = 0;
        for (auto& source : native_sources(context, "")) {
            for (const auto& entry : filter_lines(source, read_lines(source), filter, sequence)) {
                if (entry.record.timestamp) {
                    lines.push_back(entry.label + " | " + format_log_record(entry.record));
                }
            }
        }
        return lines;
    }
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now() - since);
    std::vector<std::string> arguments{"logs", "--no-color"};
    // docker-compose 1.x has no --since, so passes_filter below applies the window.
    if (!context.compose_v1()) {
        arguments.push_back("--since=" + std::to_string(seconds.count()) + "s");
    }
    const auto command = context.compose(arguments);
    ProcessOptions options;
    options.timeout = std::chrono::minutes(2);
    options.merge_stderr = true;
    const auto result = run_process(command, options);
    if (!result.succeeded()) {
        error = describe_command(command) + " failed" +
                (result.error.empty() ? "" : ": " + result.error);
        return lines;
    }
    std::istringstream stream(result.output);
    std::string line;
    while (std::getline(stream, line)) {
        auto [label, text] = split_compose_prefix(line);
        const auto record = parse_log_line(text);
        if (record.timestamp && passes_filter(record, filter, false)) {
            lines.push_back((label.empty() ? "" : label + " | ") + format_log_record(record));
        }
    }
    return lines;
}

void add_logs_command(CLI::App& app) {
    auto options = std::make_shared<LogsOptions>();
    auto* command = app.add_subcommand(
        "logs",
        "Show the logs of one service or of all, readable (the runbook's docker-compose logs)");
    add_context_options(*command, options->context);
    command->add_option("service", options->service,
                        "Service of docker-compose.yml (nginx, auth, leave, expense, postgres, "
                        "redis, migrate); all when omitted");
    command->add_flag("-f,--follow", options->follow,
                      "Keep printing new lines until interrupted (Ctrl-C)");
    command
        ->add_option("--tail", options->tail,
                     "Number of lines per log to show (default 100, all with a filter)")
        ->check(CLI::Validator(
            [](std::string& value) -> std::string {
                int lines = -1;
                const auto [end, error] =
                    std::from_chars(value.data(), value.data() + value.size(), lines);
                if (error != std::errc{} || end != value.data() + value.size() || lines < 0) {
                    return "expected a whole number of lines from 0, got '" + value + "'";
                }
                return {};
            },
            "LINES"));
    command->add_option("--since", options->since,
                        "Only lines from this time on: RFC 3339 (2024-05-01T12:00:00Z) or a "
                        "duration ago (10m, 2h, 1d)");
    command->add_flag("--errors", options->errors,
                      "Only lines that match error, exception or critical (case-insensitive), or "
                      "have level error/critical");
    command->add_option("--request-id", options->request_id,
                        "Only lines of this request id, from nginx's access log and every service");
    command->callback([options] {
        Context context;
        try {
            context = load_context(options->context);
        } catch (const std::exception& error) {
            std::cerr << "kronosctl: " << error.what() << '\n';
            throw CLI::RuntimeError(2);
        }
        LogFilter filter;
        filter.errors_only = options->errors;
        filter.request_id = options->request_id;
        if (!options->since.empty()) {
            filter.since = parse_since(options->since, std::chrono::system_clock::now());
            if (!filter.since) {
                std::cerr << "kronosctl: invalid --since '" << options->since
                          << "': use RFC 3339 (2024-05-01T12:00:00Z) or a duration such as 10m, 2h "
                             "or 1d\n";
                throw CLI::RuntimeError(2);
            }
        }
        if (!options->service.empty()) {
            const auto compose = load_compose_file(context.compose_file());
            const bool known = compose.find_service(options->service) != nullptr ||
                               options->service == "supervisord" ||
                               options->service == "migrations" ||
                               options->service == "bootstrap" || options->service == "gateway";
            if (!known) {
                std::string names;
                for (const auto& service : compose.services) {
                    names += (names.empty() ? "" : ", ") + service.name;
                }
                if (context.mode == Mode::native) {
                    names += ", supervisord, bootstrap";
                }
                std::cerr << "kronosctl: unknown service '" << options->service
                          << "'; use one of: " << names << '\n';
                throw CLI::RuntimeError(2);
            }
        }
        const int code = context.mode == Mode::native ? run_native_logs(context, *options, filter)
                                                      : run_compose_logs(context, *options, filter);
        if (code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

}  // namespace kronosctl
