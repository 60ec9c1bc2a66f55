#include "kronos/core/router.hpp"

#include <algorithm>

#include "kronos/core/errors.hpp"

namespace kronos::core {

namespace {

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> segments;
    std::size_t start = 1;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos) {
            end = path.size();
        }
        segments.emplace_back(path.substr(start, end - start));
        start = end + 1;
    }
    return segments;
}

bool is_parameter(const std::string& segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool matches(const Route& route, const std::vector<std::string>& segments,
             std::map<std::string, std::string>& params) {
    if (route.segments.size() != segments.size()) {
        return false;
    }
    std::map<std::string, std::string> found;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const auto& pattern = route.segments[i];
        if (is_parameter(pattern)) {
            if (segments[i].empty()) {
                return false;
            }
            found[pattern.substr(1, pattern.size() - 2)] = segments[i];
        } else if (pattern != segments[i]) {
            return false;
        }
    }
    params = std::move(found);
    return true;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
    if (pattern.empty() || pattern.front() != '/') {
        throw std::invalid_argument("route pattern must start with '/': " + pattern);
    }
    auto route = std::make_unique<Route>();
    route->method = std::move(method);
    route->segments = split_path(pattern);
    route->pattern = std::move(pattern);
    route->handler = std::move(handler);
    route->options = options;
    routes_.push_back(std::move(route));
}

RouteMatch Router::match(std::string_view method, std::string_view path,
                         std::map<std::string, std::string>& params) const {
    RouteMatch result;
    if (path.empty() || path.front() != '/') {
        return result;
    }
    const auto segments = split_path(path);
    for (const auto& route : routes_) {
        std::map<std::string, std::string> found;
        if (!matches(*route, segments, found)) {
            continue;
        }
        // HEAD is served by the GET route without a body.
        if (route->method == method || (method == "HEAD" && route->method == "GET")) {
            result.route = route.get();
            params = std::move(found);
            return result;
        }
        if (std::find(result.allowed_methods.begin(), result.allowed_methods.end(),
                      route->method) == result.allowed_methods.end()) {
            result.allowed_methods.push_back(route->method);
        }
    }
    return result;
}

}  // namespace kronos::core
