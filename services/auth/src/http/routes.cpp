#include "http/routes.hpp"

#include "http/handlers.hpp"

namespace kronos::auth::http {

namespace {

constexpr std::size_t kImportMaxBody = 2 * 1024 * 1024;

}  // namespace

void bind_routes(core::Service& service, AuthContext& context) {
    using Bound = core::Response (*)(AuthContext&, core::Request&);
    const auto bind = [&](const char* method, const std::string& path, Bound handler,
                          core::RouteOptions options = {}) {
        service.router().add(
            method, service.prefix() + path,
            [&context, handler](core::Request& request) { return handler(context, request); },
            options);
    };
    const core::RouteOptions anyone{.authenticated = false};
    // POST /me/password also accepts a password-change token, so it checks the bearer itself.
    const core::RouteOptions checks_own_token{.authenticated = false};
    const core::RouteOptions csv_upload{.max_body = kImportMaxBody};

    bind("POST", "/login", login, anyone);
    bind("POST", "/refresh", refresh, anyone);
    bind("POST", "/logout", logout);
    bind("GET", "/me", get_me);
    bind("POST", "/me/password", change_my_password, checks_own_token);
    bind("GET", "/.well-known/jwks.json", get_jwks, anyone);
    bind("GET", "/users", list_users);
    bind("POST", "/users", create_user);
    bind("GET", "/users/{id}", get_user);
    bind("PATCH", "/users/{id}", update_user);
    bind("POST", "/users/{id}/unlock", unlock_user);
    bind("POST", "/users/{id}/password-reset", reset_password);
    bind("POST", "/users/import", import_users, csv_upload);
}

}  // namespace kronos::auth::http
