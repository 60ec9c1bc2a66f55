#include "dispatcher.hpp"

#include <boost/json/serialize.hpp>
#include <chrono>
#include <cmath>

#include "kronos/core/log.hpp"

namespace kronos::core {

namespace {

constexpr std::size_t kDefaultBodyLimit = 64 * 1024;

bool valid_request_id(std::string_view id) {
    if (id.empty() || id.size() > 128) {
        return false;
    }
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':';
        if (!ok) {
            return false;
        }
    }
    return true;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%') {
            if (i + 2 >= text.size()) {
                throw ApiError::invalid("The URL has an incomplete percent escape.");
            }
            const int high = hex_value(text[i + 1]);
            const int low = hex_value(text[i + 2]);
            if (high < 0 || low < 0) {
                throw ApiError::invalid("The URL has an invalid percent escape.");
            }
            out.push_back(static_cast<char>(high * 16 + low));
            i += 2;
        } else if (plus_is_space && text[i] == '+') {
            out.push_back(' ');
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

std::string_view bearer_token(const Request& request) {
    std::string_view value = request.header("authorization");
    constexpr std::string_view scheme = "bearer ";
    if (value.size() <= scheme.size()) {
        return {};
    }
    for (std::size_t i = 0; i < scheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(value[i])) != scheme[i]) {
            return {};
        }
    }
    value.remove_prefix(scheme.size());
    while (!value.empty() && value.front() == ' ') {
        value.remove_prefix(1);
    }
    return value;
}

}  // namespace

void parse_target(Request& request) {
    std::string_view target = request.target;
    auto question = target.find('?');
    std::string_view path = target.substr(0, question);
    request.path = percent_decode(path, false);
    if (request.path.empty() || request.path.front() != '/') {
        throw ApiError::invalid("The request target must be an absolute path.");
    }
    // A `..` segment never names a resource; refusing it keeps paths canonical.
    if (request.path.find("/../") != std::string::npos || request.path.ends_with("/..") ||
        request.path.find('\0') != std::string::npos) {
        throw ApiError::not_found("No resource at this path.");
    }
    request.query.clear();
    if (question == std::string_view::npos) {
        return;
    }
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
        auto amp = query.find('&');
        auto pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) {
            continue;
        }
        auto equals = pair.find('=');
        auto key = percent_decode(pair.substr(0, equals), true);
        auto value = equals == std::string_view::npos
                         ? std::string()
                         : percent_decode(pair.substr(equals + 1), true);
        request.query.emplace(std::move(key), std::move(value));
    }
}

Dispatcher::Dispatcher(std::string service, const Router& router, const TokenVerifier* verifier,
                       Metrics& metrics)
    : service_(std::move(service)), router_(router), verifier_(verifier), metrics_(metrics) {}

std::size_t Dispatcher::body_limit(const std::string& method, const std::string& target) const {
    Request probe;
    probe.target = target;
    try {
        parse_target(probe);
    } catch (const ApiError&) {
        return kDefaultBodyLimit;
    }
    std::map<std::string, std::string> params;
    auto match = router_.match(method, probe.path, params);
    return match.route != nullptr ? match.route->options.max_body : kDefaultBodyLimit;
}

Response Dispatcher::handle(Request& request) const {
    const auto started = std::chrono::steady_clock::now();
    const auto sent_id = request.header("x-request-id");
    request.request_id = valid_request_id(sent_id) ? std::string(sent_id) : random_uuid();

    Response response;
    std::string error_detail;
    try {
        response = dispatch(request);
    } catch (const ApiError& error) {
        response = problem(request, error);
        error_detail = error.log_detail();
    } catch (const std::exception& error) {
        response = problem(request, ApiError::internal(error.what()));
        error_detail = error.what();
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
    finish(request, response, elapsed.count(), error_detail);
    return response;
}

Response Dispatcher::reject(Request& request, const ApiError& error) const {
    const auto sent_id = request.header("x-request-id");
    request.request_id = valid_request_id(sent_id) ? std::string(sent_id) : random_uuid();
    auto response = problem(request, error);
    finish(request, response, 0.0, error.log_detail());
    return response;
}

Response Dispatcher::dispatch(Request& request) const {
    parse_target(request);
    auto match = router_.match(request.method, request.path, request.params);
    if (match.route == nullptr) {
        if (!match.allowed_methods.empty()) {
            std::string allow;
            for (const auto& method : match.allowed_methods) {
                allow += (allow.empty() ? "" : ", ") + method;
            }
            throw ApiError(ErrorKind::method_not_allowed,
                           request.method + " is not allowed here; use " + allow + ".")
                .with_header("Allow", allow);
        }
        throw ApiError::not_found("No resource at " + request.path + ".");
    }
    request.route = match.route->pattern;
    if (request.body.size() > match.route->options.max_body) {
        throw ApiError(ErrorKind::too_large, "The body is larger than this route accepts (" +
                                                 std::to_string(match.route->options.max_body) +
                                                 " bytes).");
    }
    if (match.route->options.authenticated) {
        auto token = bearer_token(request);
        if (token.empty()) {
            throw ApiError::unauthorized("Send an access token as 'Authorization: Bearer <token>'.")
                .with_header("WWW-Authenticate", "Bearer");
        }
        if (verifier_ == nullptr) {
            throw ApiError::internal("route needs a token but no verifier is configured");
        }
        request.principal = verifier_->verify_access(token);
    }
    auto response = match.route->handler(request);
    if (request.method == "HEAD") {
        response.body.clear();
    }
    return response;
}

Response Dispatcher::problem(const Request& request, const ApiError& error) const {
    boost::json::object body;
    body["type"] = "/problems/" + error.type_slug();
    body["title"] = title_of(error.kind());
    body["status"] = error.status();
    body["detail"] = error.detail();
    body["request_id"] = request.request_id;
    if (!error.fields().empty()) {
        boost::json::array fields;
        for (const auto& field : error.fields()) {
            fields.push_back({{"field", field.field}, {"message", field.message}});
        }
        body["errors"] = std::move(fields);
    }
    for (const auto& extra : error.extras()) {
        body[extra.key()] = extra.value();
    }
    Response response{error.status(), "application/problem+json", boost::json::serialize(body), {}};
    if (error.retry_after()) {
        response.headers.emplace_back("Retry-After", std::to_string(*error.retry_after()));
    }
    for (const auto& header : error.headers()) {
        response.headers.push_back(header);
    }
    return response;
}

void Dispatcher::finish(Request& request, Response& response, double seconds,
                        const std::string& error_detail) const {
    response.headers.emplace_back("X-Request-ID", request.request_id);
    const std::string route = request.route.empty() ? "unmatched" : request.route;
    metrics_.observe(route, request.method, response.status, seconds);

    const auto level = response.status >= 500 ? log::Level::error : log::Level::info;
    if (!log::enabled(level)) {
        return;
    }
    boost::json::object fields{
        {"request_id", request.request_id},
        {"method", request.method},
        {"route", route},
        {"status", response.status},
        {"duration_us", static_cast<std::int64_t>(std::llround(seconds * 1e6))},
        {"client", request.client_address}};
    if (request.principal) {
        fields["user_id"] = request.principal->id;
    }
    if (!error_detail.empty()) {
        fields["error"] = error_detail;
    }
    log::write(level, "request", std::move(fields));
}

}  // namespace kronos::core
