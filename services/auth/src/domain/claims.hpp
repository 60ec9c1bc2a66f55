#pragma once

// JWT claim sets that auth signs: access tokens and password-change tokens.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kronos::auth {

// The audience of the short-lived token that a sign-in with a temporary password returns; only
// POST /me/password accepts it.
inline constexpr std::string_view kPasswordChangeAudience = "kronos-password-change";
inline constexpr std::int64_t kPasswordChangeTokenSeconds = 10 * 60;

struct TokenSubject {
    std::string id;
    std::string name;
    std::string role;
    std::optional<std::string> manager_id;
};

// Claims of an access token. `family_id` goes into the extra claim `fam`, so logout can revoke
// the refresh family of the login that issued the token. `mgr` is absent without a manager.
boost::json::object access_claims(const TokenSubject& subject, const std::string& jti,
                                  const std::string& family_id, std::int64_t now_seconds,
                                  std::int64_t lifetime_seconds);

boost::json::object password_change_claims(const std::string& user_id, const std::string& jti,
                                           std::int64_t now_seconds);

}  // namespace kronos::auth
