#pragma once

// The one boundary between transport and handlers: request ids, routing, authentication,
// errors to problem+json, the per-request log line and metrics. Free of Beast, so it is
// unit-tested without sockets.

#include <string>

#include "kronos/core/errors.hpp"
#include "kronos/core/http.hpp"
#include "kronos/core/router.hpp"
#include "kronos/core/token.hpp"
#include "metrics.hpp"

namespace kronos::core {

class Dispatcher {
  public:
    Dispatcher(std::string service, const Router& router, const TokenVerifier* verifier,
               Metrics& metrics);

    // The body limit of the route a target resolves to (the default when none matches).
    std::size_t body_limit(const std::string& method, const std::string& target) const;

    // Handles a request whose method, target, headers, body and client address are set.
    Response handle(Request& request) const;

    // The response for a request rejected before dispatch (413, 400), logged like any other.
    Response reject(Request& request, const ApiError& error) const;

  private:
    Response dispatch(Request& request) const;
    Response problem(const Request& request, const ApiError& error) const;
    void finish(Request& request, Response& response, double seconds,
                const std::string& error_detail) const;

    std::string service_;
    const Router& router_;
    const TokenVerifier* verifier_;
    Metrics& metrics_;
};

// Splits a target into a percent-decoded path and query; throws ApiError::invalid on bad
// escapes. Exposed for tests.
void parse_target(Request& request);

}  // namespace kronos::core
