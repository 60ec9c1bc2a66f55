#include "http/common.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "domain/money.hpp"

namespace kronos::expense::http {

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    return text;
}

std::optional<int> parse_version(std::string_view text) {
    if (text.empty() || text.size() > 9 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    int value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

// One entity tag of the list: `"3"`, `W/"3"` or `3`.
std::optional<int> parse_tag(std::string_view tag) {
    // Claims have one representation per version, so a weak tag compares like a strong one.
    if (tag.size() >= 2 && tag.substr(0, 2) == "W/") {
        tag.remove_prefix(2);
    }
    if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') {
        tag = tag.substr(1, tag.size() - 2);
    }
    return parse_version(tag);
}

core::ErrorKind kind_of(domain::ErrorKind kind) {
    switch (kind) {
        case domain::ErrorKind::invalid:
            return core::ErrorKind::invalid;
        case domain::ErrorKind::rule_violated:
            return core::ErrorKind::rule_violated;
        case domain::ErrorKind::conflict:
            return core::ErrorKind::conflict;
        case domain::ErrorKind::forbidden:
            return core::ErrorKind::forbidden;
    }
    return core::ErrorKind::internal;
}

}  // namespace

bool IfMatch::matches(int version) const {
    if (!present || any) {
        return true;
    }
    return std::find(versions.begin(), versions.end(), version) != versions.end();
}

IfMatch parse_if_match(std::string_view header) {
    IfMatch result;
    header = trim(header);
    if (header.empty()) {
        return result;
    }
    result.present = true;
    if (header == "*") {
        result.any = true;
        return result;
    }

    while (true) {
        const auto comma = header.find(',');
        auto version = parse_tag(trim(header.substr(0, comma)));
        if (!version) {
            throw core::ApiError::invalid(
                "If-Match must be the claim's version as an entity tag, such as \"3\".")
                .with_field("If-Match", "must be an entity tag such as \"3\"");
        }
        result.versions.push_back(*version);
        if (comma == std::string_view::npos) {
            break;
        }
        header.remove_prefix(comma + 1);
    }
    return result;
}

void check_if_match(const core::Request& request, int version) {
    const IfMatch condition = parse_if_match(request.header("if-match"));
    if (!condition.matches(version)) {
        throw core::ApiError::conflict("The claim has changed: it is at version " +
                                       std::to_string(version) +
                                       ". Reload it and apply the change again.")
            .with_type("stale-version")
            .with_extra("version", version)
            .with_header("ETag", etag_of(version));
    }
}

std::string etag_of(int version) {
    return "\"" + std::to_string(version) + "\"";
}

std::string path_uuid(const core::Request& request, const std::string& name) {
    std::string value = request.param(name);
    if (!core::is_uuid(value)) {
        throw core::ApiError::not_found("No " + std::string(name == "item_id" ? "item" : "claim") +
                                        " " + value + ".");
    }
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return value;
}

boost::json::object optional_json_body(const core::Request& request) {
    if (trim(request.body).empty()) {
        return {};
    }
    return core::parse_json_body(request);
}

boost::json::object money_json(std::int64_t minor, const std::string& currency) {
    const int digits = domain::currency_digits(currency).value_or(2);
    return boost::json::object{{"amount", domain::format_minor_units(minor, digits)},
                               {"currency", currency}};
}

core::ApiError to_api_error(const domain::DomainError& error) {
    core::ApiError api_error(kind_of(error.kind), error.message);
    if (!error.field.empty()) {
        api_error.with_field(error.field, error.message);
    }
    return api_error;
}

void fail_field(core::Fields& fields, const domain::DomainError& error,
                std::string_view fallback_field) {
    fields.fail(error.field.empty() ? std::string(fallback_field) : error.field, error.message);
}

}  // namespace kronos::expense::http
