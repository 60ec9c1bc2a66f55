#pragma once

// Pieces shared by the handlers: path ids, If-Match and ETag, money in JSON, and the mapping
// of domain errors to API errors.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/error.hpp"
#include "kronos/core/errors.hpp"
#include "kronos/core/http.hpp"
#include "kronos/core/json.hpp"

namespace kronos::expense::http {

// An If-Match header: absent, `*`, or a list of entity tags that are claim versions.
struct IfMatch {
    bool present = false;
    bool any = false;
    std::vector<int> versions;

    bool matches(int version) const;
};

// Parses `"3"`, `W/"3"`, `3` (a bare number, as clients often send), `*` and comma-separated
// lists of those. Throws ApiError::invalid naming If-Match for anything else.
IfMatch parse_if_match(std::string_view header);

// Throws 409 when the request's If-Match does not match `version`.
void check_if_match(const core::Request& request, int version);

// The entity tag of a claim version, as sent in ETag.
std::string etag_of(int version);

// The path parameter `name` (`id` of a claim or `item_id`) as a lower-case UUID; 404 when it
// is not one.
std::string path_uuid(const core::Request& request, const std::string& name);

// The request body as a JSON object, or an empty object when the body is empty (for routes
// whose fields are all optional).
boost::json::object optional_json_body(const core::Request& request);

boost::json::object money_json(std::int64_t minor, const std::string& currency);

// Turns a domain error into the API error of the same kind.
core::ApiError to_api_error(const domain::DomainError& error);

// Records a domain error about a body field in `fields` (as a 422), whatever its kind.
void fail_field(core::Fields& fields, const domain::DomainError& error,
                std::string_view fallback_field);

}  // namespace kronos::expense::http
