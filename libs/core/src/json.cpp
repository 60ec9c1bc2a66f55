#include "kronos/core/json.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/stream_parser.hpp>
#include <cctype>
#include <charconv>

namespace kronos::core {

namespace {

std::string trim(std::string_view text) {
    auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) {
        return {};
    }
    auto end = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(begin, end - begin + 1));
}

// Counts UTF-8 code points, so length limits match what a person typed.
std::size_t utf8_length(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

bool has_control_characters(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 && c != '\n' && c != '\t';
    });
}

// "line L, column C" of the byte at `offset`, both counted from 1.
std::string describe_position(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    std::size_t line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(offset - line_start + 1);
}

}  // namespace

boost::json::object parse_json_body(const Request& request) {
    if (request.content_type() != "application/json") {
        throw ApiError(ErrorKind::unsupported_media_type,
                       "Send the body as JSON with 'Content-Type: application/json'.");
    }
    boost::json::parse_options options;
    options.max_depth = 32;
    // A stream parser reports how many bytes it accepted, which locates the error for the client.
    boost::json::stream_parser parser({}, options);
    boost::system::error_code error;
    const std::size_t consumed = parser.write_some(request.body, error);
    if (!error && consumed < request.body.size()) {
        error = boost::json::error::extra_data;
    }
    if (!error) {
        parser.finish(error);
    }
    if (error) {
        throw ApiError::invalid("The body is not valid JSON: " + error.message() + " at " +
                                describe_position(request.body, consumed) + ".")
            .with_type("malformed-json");
    }
    boost::json::value value = parser.release();
    if (!value.is_object()) {
        throw ApiError::invalid("The body must be a JSON object.").with_type("malformed-json");
    }
    return std::move(value.as_object());
}

Fields& Fields::only(std::initializer_list<std::string_view> allowed) {
    for (const auto& member : object_) {
        if (std::find(allowed.begin(), allowed.end(), member.key()) == allowed.end()) {
            fail(std::string(member.key()), "unknown field; remove it");
        }
    }
    return *this;
}

std::optional<std::string> Fields::string(std::string_view key, bool required, StringRule rule) {
    const auto* value = object_.if_contains(key);
    if (value == nullptr || value->is_null()) {
        if (required) {
            fail(std::string(key), "is required");
        }
        return std::nullopt;
    }
    if (!value->is_string()) {
        fail(std::string(key), "must be a string");
        return std::nullopt;
    }
    std::string text = trim(value->as_string());
    const auto length = utf8_length(text);
    if (length < rule.min_length) {
        fail(std::string(key),
             rule.min_length <= 1
                 ? std::string("must not be empty")
                 : "must be at least " + std::to_string(rule.min_length) + " characters");
        return std::nullopt;
    }
    if (length > rule.max_length) {
        fail(std::string(key),
             "must be at most " + std::to_string(rule.max_length) + " characters");
        return std::nullopt;
    }
    if (has_control_characters(text)) {
        fail(std::string(key), "must not contain control characters");
        return std::nullopt;
    }
    return text;
}

std::string Fields::required_string(std::string_view key, StringRule rule) {
    return string(key, true, rule).value_or(std::string());
}

std::optional<std::string> Fields::optional_string(std::string_view key, StringRule rule) {
    return string(key, false, rule);
}

std::optional<std::optional<std::string>> Fields::nullable_string(std::string_view key,
                                                                  StringRule rule) {
    const auto* value = object_.if_contains(key);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (value->is_null()) {
        return std::optional<std::string>{};
    }
    auto text = string(key, true, rule);
    if (!text) {
        return std::nullopt;
    }
    return std::optional<std::string>{std::move(*text)};
}

std::optional<Date> Fields::date(std::string_view key, bool required) {
    auto text = string(key, required, {1, 10});
    if (!text) {
        return std::nullopt;
    }
    auto parsed = parse_date(*text);
    if (!parsed) {
        fail(std::string(key), "must be a date as YYYY-MM-DD");
    }
    return parsed;
}

std::optional<bool> Fields::boolean(std::string_view key, bool required) {
    const auto* value = object_.if_contains(key);
    if (value == nullptr || value->is_null()) {
        if (required) {
            fail(std::string(key), "is required");
        }
        return std::nullopt;
    }
    if (!value->is_bool()) {
        fail(std::string(key), "must be true or false");
        return std::nullopt;
    }
    return value->as_bool();
}

std::optional<std::int64_t> Fields::integer(std::string_view key, bool required, std::int64_t min,
                                            std::int64_t max) {
    const auto* value = object_.if_contains(key);
    if (value == nullptr || value->is_null()) {
        if (required) {
            fail(std::string(key), "is required");
        }
        return std::nullopt;
    }
    std::int64_t number = 0;
    if (value->is_int64()) {
        number = value->as_int64();
    } else if (value->is_uint64() && value->as_uint64() <= static_cast<std::uint64_t>(max)) {
        number = static_cast<std::int64_t>(value->as_uint64());
    } else {
        fail(std::string(key), "must be a whole number");
        return std::nullopt;
    }
    if (number < min || number > max) {
        fail(std::string(key),
             "must be between " + std::to_string(min) + " and " + std::to_string(max));
        return std::nullopt;
    }
    return number;
}

std::optional<std::string> Fields::choice(std::string_view key, bool required,
                                          std::initializer_list<std::string_view> choices) {
    auto text = string(key, required, {1, 64});
    if (!text) {
        return std::nullopt;
    }
    if (std::find(choices.begin(), choices.end(), *text) == choices.end()) {
        std::string list;
        for (auto choice : choices) {
            list += (list.empty() ? "" : ", ") + std::string(choice);
        }
        fail(std::string(key), "must be one of: " + list);
        return std::nullopt;
    }
    return text;
}

std::optional<std::string> Fields::uuid(std::string_view key, bool required) {
    auto text = string(key, required, {1, 36});
    if (!text) {
        return std::nullopt;
    }
    if (!is_uuid(*text)) {
        fail(std::string(key), "must be a UUID");
        return std::nullopt;
    }
    std::string lower = *text;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower;
}

const boost::json::value* Fields::raw(std::string_view key) const {
    return object_.if_contains(key);
}

void Fields::fail(std::string field, std::string message) {
    errors_.push_back({std::move(field), std::move(message)});
}

void Fields::finish() const {
    if (errors_.empty()) {
        return;
    }
    std::string detail;
    for (const auto& error : errors_) {
        detail += (detail.empty() ? "" : "; ") + error.field + " " + error.message;
    }
    ApiError problem(ErrorKind::rule_violated, detail + ".");
    for (const auto& error : errors_) {
        problem.with_field(error.field, error.message);
    }
    throw problem;
}

bool is_uuid(std::string_view text) {
    if (text.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (text[i] != '-') {
                return false;
            }
        } else if (!std::isxdigit(static_cast<unsigned char>(text[i]))) {
            return false;
        }
    }
    return true;
}

std::size_t list_limit(const Request& request) {
    auto text = request.query_param("limit");
    if (!text) {
        return 50;
    }
    int value = 0;
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size() || value < 1 || value > 200) {
        throw ApiError::invalid("Query parameter 'limit' must be a whole number from 1 to 200.")
            .with_field("limit", "must be a whole number from 1 to 200");
    }
    return static_cast<std::size_t>(value);
}

std::optional<Date> query_date(const Request& request, std::string_view name) {
    auto text = request.query_param(name);
    if (!text) {
        return std::nullopt;
    }
    auto date = parse_date(*text);
    if (!date) {
        throw ApiError::invalid("Query parameter '" + std::string(name) +
                                "' must be a date as YYYY-MM-DD.")
            .with_field(std::string(name), "must be a date as YYYY-MM-DD");
    }
    return date;
}

std::optional<int> query_year(const Request& request, std::string_view name) {
    auto text = request.query_param(name);
    if (!text) {
        return std::nullopt;
    }
    int value = 0;
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size() || value < 1900 ||
        value > 9999) {
        throw ApiError::invalid("Query parameter '" + std::string(name) +
                                "' must be a year such as 2026.")
            .with_field(std::string(name), "must be a year such as 2026");
    }
    return value;
}

}  // namespace kronos::core
