#pragma once

// Typed errors that every handler throws and one boundary (the dispatcher) turns into
// `application/problem+json` responses (RFC 9457).
//
// Kinds and when to use them:
//   invalid                 400: the request cannot be parsed (malformed JSON, bad query value).
//   unauthorized            401: no token, or a token that is invalid, expired or revoked.
//   forbidden               403: the caller is known but may not do this.
//   not_found               404: no such resource, or one the caller may not see.
//   method_not_allowed      405: the path exists but not with this method.
//   conflict                409: overlap, wrong state, stale version, duplicate.
//   too_large               413: body over the route's limit.
//   unsupported_media_type  415: wrong Content-Type.
//   rule_violated           422: well-formed but breaks a rule; `fields` names the fields.
//   rate_limited            429: too many attempts; `retry_after` is set.
//   unavailable             503: a dependency (PostgreSQL, Redis) is not responding.
//   internal                500: a bug; the client sees a generic message, the log the detail.

#include <boost/json/object.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kronos::core {

enum class ErrorKind {
    invalid,
    unauthorized,
    forbidden,
    not_found,
    method_not_allowed,
    conflict,
    too_large,
    unsupported_media_type,
    rule_violated,
    rate_limited,
    unavailable,
    internal,
};

struct FieldError {
    std::string field;
    std::string message;
};

unsigned status_of(ErrorKind kind);
const char* title_of(ErrorKind kind);

// An error with two messages: `detail` for the client and `log_detail` for the log only.
class ApiError : public std::runtime_error {
  public:
    ApiError(ErrorKind kind, std::string detail);

    static ApiError invalid(std::string detail) { return {ErrorKind::invalid, std::move(detail)}; }
    static ApiError unauthorized(std::string detail) {
        return {ErrorKind::unauthorized, std::move(detail)};
    }
    static ApiError forbidden(std::string detail) {
        return {ErrorKind::forbidden, std::move(detail)};
    }
    static ApiError not_found(std::string detail) {
        return {ErrorKind::not_found, std::move(detail)};
    }
    static ApiError conflict(std::string detail) {
        return {ErrorKind::conflict, std::move(detail)};
    }
    static ApiError rule_violated(std::string detail) {
        return {ErrorKind::rule_violated, std::move(detail)};
    }
    // A 422 naming one field.
    static ApiError field(std::string field, std::string message);
    static ApiError unavailable(std::string detail) {
        return {ErrorKind::unavailable, std::move(detail)};
    }
    static ApiError internal(std::string log_detail);

    ApiError& with_field(std::string field, std::string message);
    // Sets the problem `type` to `/problems/<slug>`; the default slug comes from the kind.
    ApiError& with_type(std::string slug);
    // Adds a member to the problem body (for example `change_token`).
    ApiError& with_extra(std::string key, boost::json::value value);
    ApiError& with_retry_after(long seconds);
    ApiError& with_log_detail(std::string detail);
    ApiError& with_header(std::string name, std::string value);

    ErrorKind kind() const { return kind_; }
    unsigned status() const { return status_of(kind_); }
    const std::string& detail() const { return detail_; }
    const std::string& log_detail() const { return log_detail_; }
    const std::vector<FieldError>& fields() const { return fields_; }
    const std::string& type_slug() const { return type_slug_; }
    const boost::json::object& extras() const { return extras_; }
    std::optional<long> retry_after() const { return retry_after_; }
    const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }

  private:
    ErrorKind kind_;
    std::string detail_;
    std::string log_detail_;
    std::string type_slug_;
    std::vector<FieldError> fields_;
    boost::json::object extras_;
    std::optional<long> retry_after_;
    std::vector<std::pair<std::string, std::string>> headers_;
};

}  // namespace kronos::core
