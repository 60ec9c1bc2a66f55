#pragma once

// The request and response types handlers see. They carry no Boost.Beast types, so service
// code compiles without the heavy networking headers.

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kronos::core {

// The caller, as the verified access token describes them.
struct Principal {
    std::string id;
    std::string name;
    std::string role;  // employee, manager, hr or admin
    std::optional<std::string> manager_id;
    std::string jti;
    std::int64_t issued_at = 0;
    std::int64_t expires_at = 0;

    bool is_hr_or_admin() const { return role == "hr" || role == "admin"; }
    bool is_admin() const { return role == "admin"; }
};

struct Request {
    std::string method;  // upper case, as sent
    std::string target;  // path and query, as sent
    std::string path;    // percent-decoded path without the query
    std::string route;   // the matched route template, for logs and metrics
    std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
    std::multimap<std::string, std::string> query;             // percent-decoded
    std::map<std::string, std::string> params;                 // path parameters
    std::string body;
    std::string request_id;
    std::string client_address;
    std::optional<Principal> principal;

    // The first header with this name (case-insensitive), or empty.
    std::string_view header(std::string_view name) const;
    std::optional<std::string> query_param(std::string_view name) const;
    // A path parameter of the matched route; the router guarantees it exists.
    const std::string& param(const std::string& name) const;
    // The authenticated caller; throws 401 when the route ran without a token.
    const Principal& user() const;
    // The media type of Content-Type, lower case, without parameters.
    std::string content_type() const;
};

struct Response {
    unsigned status = 200;
    std::string content_type;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    static Response json(unsigned status, const boost::json::value& value);
    static Response no_content();
    static Response raw(unsigned status, std::string content_type, std::string body);
    Response& with_header(std::string name, std::string value);
};

}  // namespace kronos::core
