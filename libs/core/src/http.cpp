#include "kronos/core/http.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cctype>

#include "kronos/core/errors.hpp"

namespace kronos::core {

namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

std::string_view Request::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) {
            return value;
        }
    }
    return {};
}

std::optional<std::string> Request::query_param(std::string_view name) const {
    auto it = query.find(std::string(name));
    if (it == query.end()) {
        return std::nullopt;
    }
    return it->second;
}

const std::string& Request::param(const std::string& name) const {
    auto it = params.find(name);
    if (it == params.end()) {
        throw ApiError::internal("route has no path parameter '" + name + "'");
    }
    return it->second;
}

const Principal& Request::user() const {
    if (!principal) {
        throw ApiError::unauthorized("This route needs an access token.");
    }
    return *principal;
}

std::string Request::content_type() const {
    std::string_view value = header("content-type");
    auto semicolon = value.find(';');
    if (semicolon != std::string_view::npos) {
        value = value.substr(0, semicolon);
    }
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
        value.remove_suffix(1);
    }
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
        value.remove_prefix(1);
    }
    std::string result(value);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

Response Response::json(unsigned status, const boost::json::value& value) {
    return Response{status, "application/json; charset=utf-8", boost::json::serialize(value), {}};
}

Response Response::no_content() {
    return Response{204, "", "", {}};
}

Response Response::raw(unsigned status, std::string content_type, std::string body) {
    return Response{status, std::move(content_type), std::move(body), {}};
}

Response& Response::with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
}

}  // namespace kronos::core
