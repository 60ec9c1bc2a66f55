#pragma once

// Routes bound as (method, path template) → handler. Templates use `{name}` segments, for
// example `/api/v1/leave/requests/{id}/approve`. Matching a path that exists under another
// method yields 405 with `Allow`; no match at all yields 404.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kronos/core/http.hpp"

namespace kronos::core {

using Handler = std::function<Response(Request&)>;

struct RouteOptions {
    // Largest accepted body in bytes; larger requests get 413 before the body is read.
    std::size_t max_body = 64 * 1024;
    // Whether the route needs a valid access token (verified before the handler runs).
    bool authenticated = true;
};

struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    RouteOptions options;
};

struct RouteMatch {
    const Route* route = nullptr;              // null when nothing matched
    std::vector<std::string> allowed_methods;  // set when the path matched other methods only
};

class Router {
  public:
    void add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});

    // Finds the route for a method and a decoded path and fills `params`.
    RouteMatch match(std::string_view method, std::string_view path,
                     std::map<std::string, std::string>& params) const;

    const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

  private:
    std::vector<std::unique_ptr<Route>> routes_;
};

}  // namespace kronos::core
