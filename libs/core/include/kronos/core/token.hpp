#pragma once

// Access tokens: JWTs signed with Ed25519 (`alg: EdDSA`) by auth and verified locally by every
// service with auth's pinned public keys, plus a revocation check in Redis.
//
// Redis keys (shared by every service):
//   kronos:revoked:jti:<jti>   set on logout; expires with the token
//   kronos:revoked:user:<id>   unix seconds; tokens issued before it are rejected

#include <array>
#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "kronos/core/http.hpp"

namespace kronos::core {

class Redis;

using PublicKey = std::array<unsigned char, 32>;

std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

// Compares two secrets in constant time (to avoid leaking a prefix through timing).
bool constant_time_equal(std::string_view a, std::string_view b);

// A random token of `bytes` random bytes, base64url encoded.
std::string random_token(std::size_t bytes);
// A random version 4 UUID.
std::string random_uuid();
// SHA-256 (libsodium) of `text`, hex encoded: how opaque tokens are stored.
std::string sha256_hex(std::string_view text);

constexpr std::string_view kIssuer = "kronos-auth";
constexpr std::string_view kAudience = "kronos";

class TokenSigner {
  public:
    // `spec` is `KID:BASE64URL_SEED` (a raw 32-byte Ed25519 seed). Throws ConfigError.
    static TokenSigner from_spec(std::string_view spec);

    // Signs `claims` as a JWT with header {alg: EdDSA, typ: JWT, kid}.
    std::string sign(const boost::json::object& claims) const;
    const std::string& kid() const { return kid_; }
    const PublicKey& public_key() const { return public_key_; }
    // The JWK for the JWKS document (`kty: OKP`, `crv: Ed25519`, `kid`, `x`, `alg`, `use`).
    boost::json::object jwk() const;

  private:
    std::string kid_;
    std::array<unsigned char, 64> secret_key_{};
    PublicKey public_key_{};
};

class TokenVerifier {
  public:
    // `spec` is `KID:BASE64URL_PUBLIC_KEY[,KID:...]`. Throws ConfigError.
    static std::map<std::string, PublicKey> parse_keys(std::string_view spec);

    TokenVerifier(std::map<std::string, PublicKey> keys, Redis* redis,
                  std::int64_t leeway_seconds = 60);

    void add_key(const std::string& kid, const PublicKey& key) { keys_[kid] = key; }

    // Checks the signature (EdDSA only, known kid), `iss`, `aud` == `audience`, `exp` and
    // `nbf` with the leeway. Returns the claims; throws ApiError::unauthorized.
    boost::json::object verify(std::string_view token, std::string_view audience) const;

    // verify() for the access audience, then the revocation checks in Redis. Redis being down
    // fails closed with 503.
    Principal verify_access(std::string_view token) const;

  private:
    std::map<std::string, PublicKey> keys_;
    Redis* redis_;
    std::int64_t leeway_;
};

namespace revocation {
// Rejects one token (by `jti`) in every service until it expires.
void revoke_token(Redis& redis, const std::string& jti, std::int64_t expires_at);
// Rejects every token of the user issued before `before` (unix seconds, rounded up so a
// token issued earlier in the same second is caught too).
void revoke_user_tokens(Redis& redis, const std::string& user_id, std::int64_t before);
// The `iat` to give a new token of the user: now, or the user's revocation time when that is
// later (it is at most one second ahead), so a token issued right after a revocation works.
std::int64_t issue_time(Redis& redis, const std::string& user_id, std::int64_t now);
}  // namespace revocation

}  // namespace kronos::core
