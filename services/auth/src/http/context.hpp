#pragma once

// What auth's handlers share: configuration, the token signer, the lockout counters, and
// helpers that shape responses and act after a transaction commits.

#include <atomic>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "domain/lockout.hpp"
#include "kronos/core/http.hpp"
#include "kronos/core/json.hpp"
#include "kronos/core/service.hpp"
#include "kronos/core/token.hpp"
#include "store/lockout_store.hpp"
#include "store/sessions_store.hpp"
#include "store/users_store.hpp"

namespace kronos::auth {

struct BootstrapAdmin {
    std::string email;  // normalised
    std::string password;
};

struct AuthSettings {
    core::TokenSigner signer;
    std::int64_t access_token_seconds = 900;
    std::int64_t refresh_token_seconds = 30 * 24 * 60 * 60;
    std::optional<BootstrapAdmin> bootstrap_admin;

    // Reads AUTH_SIGNING_KEY (or _FILE), ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_SECONDS,
    // AUTH_BOOTSTRAP_ADMIN_EMAIL and AUTH_BOOTSTRAP_ADMIN_PASSWORD (or _FILE). Throws
    // ConfigError naming the variable that is missing or invalid.
    static AuthSettings from_environment();
};

struct AuthContext {
    AuthContext(core::Service& service_, AuthSettings settings_)
        : service(service_),
          settings(std::move(settings_)),
          lockout(service_.redis(), LockoutPolicy{}) {}

    core::Service& service;
    AuthSettings settings;
    store::LoginLockout lockout;
    // Set once the start-up work (bootstrap admin) is done; /ready waits for it.
    std::atomic<bool> startup_done{false};

    core::Database& db() { return service.db(); }
    core::Redis& redis() { return service.redis(); }
};

std::int64_t unix_now();

boost::json::object user_json(const store::UserRecord& user);

// Tokens of a login: a signed access token and a new refresh token in `family_id`.
struct IssuedTokens {
    std::string access_token;
    std::string refresh_token;
    std::int64_t expires_in = 0;
};

// Signs an access token for `user` and stores a new refresh token of the family (hash only).
IssuedTokens issue_tokens(pqxx::work& tx, AuthContext& context, const store::UserRecord& user,
                          const std::string& family_id, std::int64_t family_expires_at);

boost::json::object token_response(const IssuedTokens& tokens, const store::UserRecord& user);

// Puts every token on the Redis revocation list that all services check.
void revoke_access_tokens(core::Redis& redis, const std::vector<store::AccessTokenRef>& tokens);

// Publishes the user to the directory stream after its transaction committed. A failure is
// logged, not thrown: the change is already stored, and the snapshot published at every start
// repairs the consumers' copy.
void publish_user(AuthContext& context, const store::UserRecord& user);

// The token of `Authorization: Bearer <token>`, or empty.
std::string_view bearer_token(const core::Request& request);

// 403 unless the caller is hr or admin.
void require_user_manager(const core::Principal& caller);

// Reads a password member as sent (no trimming). Records a field error when it is missing,
// not a string or longer than the maximum.
std::optional<std::string> password_member(core::Fields& fields, std::string_view key);

}  // namespace kronos::auth
