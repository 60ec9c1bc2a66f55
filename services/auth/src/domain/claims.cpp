#include "domain/claims.hpp"

#include "kronos/core/token.hpp"

namespace kronos::auth {

boost::json::object access_claims(const TokenSubject& subject, const std::string& jti,
                                  const std::string& family_id, std::int64_t now_seconds,
                                  std::int64_t lifetime_seconds) {
    boost::json::object claims;
    claims["iss"] = core::kIssuer;
    claims["aud"] = core::kAudience;
    claims["sub"] = subject.id;
    claims["name"] = subject.name;
    claims["role"] = subject.role;
    if (subject.manager_id) {
        claims["mgr"] = *subject.manager_id;
    }
    claims["jti"] = jti;
    claims["fam"] = family_id;
    claims["iat"] = now_seconds;
    claims["nbf"] = now_seconds;
    claims["exp"] = now_seconds + lifetime_seconds;
    return claims;
}

boost::json::object password_change_claims(const std::string& user_id, const std::string& jti,
                                           std::int64_t now_seconds) {
    boost::json::object claims;
    claims["iss"] = core::kIssuer;
    claims["aud"] = kPasswordChangeAudience;
    claims["sub"] = user_id;
    claims["jti"] = jti;
    claims["iat"] = now_seconds;
    claims["nbf"] = now_seconds;
    claims["exp"] = now_seconds + kPasswordChangeTokenSeconds;
    return claims;
}

}  // namespace kronos::auth
