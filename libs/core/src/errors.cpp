#include "kronos/core/errors.hpp"

namespace kronos::core {

unsigned status_of(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::invalid:
            return 400;
        case ErrorKind::unauthorized:
            return 401;
        case ErrorKind::forbidden:
            return 403;
        case ErrorKind::not_found:
            return 404;
        case ErrorKind::method_not_allowed:
            return 405;
        case ErrorKind::conflict:
            return 409;
        case ErrorKind::too_large:
            return 413;
        case ErrorKind::unsupported_media_type:
            return 415;
        case ErrorKind::rule_violated:
            return 422;
        case ErrorKind::rate_limited:
            return 429;
        case ErrorKind::unavailable:
            return 503;
        case ErrorKind::internal:
            return 500;
    }
    return 500;
}

const char* title_of(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::invalid:
            return "Malformed request";
        case ErrorKind::unauthorized:
            return "Authentication required";
        case ErrorKind::forbidden:
            return "Forbidden";
        case ErrorKind::not_found:
            return "Not found";
        case ErrorKind::method_not_allowed:
            return "Method not allowed";
        case ErrorKind::conflict:
            return "Conflict";
        case ErrorKind::too_large:
            return "Request body too large";
        case ErrorKind::unsupported_media_type:
            return "Unsupported media type";
        case ErrorKind::rule_violated:
            return "Validation failed";
        case ErrorKind::rate_limited:
            return "Too many requests";
        case ErrorKind::unavailable:
            return "Service unavailable";
        case ErrorKind::internal:
            return "Internal server error";
    }
    return "Internal server error";
}

namespace {

const char* default_slug(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::invalid:
            return "malformed-request";
        case ErrorKind::unauthorized:
            return "unauthorized";
        case ErrorKind::forbidden:
            return "forbidden";
        case ErrorKind::not_found:
            return "not-found";
        case ErrorKind::method_not_allowed:
            return "method-not-allowed";
        case ErrorKind::conflict:
            return "conflict";
        case ErrorKind::too_large:
            return "too-large";
        case ErrorKind::unsupported_media_type:
            return "unsupported-media-type";
        case ErrorKind::rule_violated:
            return "validation";
        case ErrorKind::rate_limited:
            return "rate-limited";
        case ErrorKind::unavailable:
            return "unavailable";
        case ErrorKind::internal:
            return "internal";
    }
    return "internal";
}

}  // namespace

ApiError::ApiError(ErrorKind kind, std::string detail)
    : std::runtime_error(detail),
      kind_(kind),
      detail_(std::move(detail)),
      type_slug_(default_slug(kind)) {}

ApiError ApiError::field(std::string field, std::string message) {
    ApiError error(ErrorKind::rule_violated, field + ": " + message);
    error.with_field(std::move(field), std::move(message));
    return error;
}

ApiError ApiError::internal(std::string log_detail) {
    ApiError error(ErrorKind::internal,
                   "An unexpected error occurred; the request id is in the log.");
    error.with_log_detail(std::move(log_detail));
    return error;
}

ApiError& ApiError::with_field(std::string field, std::string message) {
    fields_.push_back({std::move(field), std::move(message)});
    return *this;
}

ApiError& ApiError::with_type(std::string slug) {
    type_slug_ = std::move(slug);
    return *this;
}

ApiError& ApiError::with_extra(std::string key, boost::json::value value) {
    extras_[key] = std::move(value);
    return *this;
}

ApiError& ApiError::with_retry_after(long seconds) {
    retry_after_ = seconds;
    return *this;
}

ApiError& ApiError::with_log_detail(std::string detail) {
    log_detail_ = std::move(detail);
    return *this;
}

ApiError& ApiError::with_header(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
    return *this;
}

}  // namespace kronos::core
