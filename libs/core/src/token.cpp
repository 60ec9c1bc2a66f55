#include "kronos/core/token.hpp"

#include <sodium.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <mutex>

#include "kronos/core/config.hpp"
#include "kronos/core/errors.hpp"
#include "kronos/core/redis.hpp"

namespace kronos::core {

namespace {

void ensure_sodium() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (sodium_init() < 0) {
            throw std::runtime_error("libsodium failed to initialise");
        }
    });
}

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

const std::string kRevokedJti = "kronos:revoked:jti:";
const std::string kRevokedUser = "kronos:revoked:user:";
// Maximum access-token lifetime, which the revocation marks must outlive.
constexpr std::int64_t kMaxTokenLifetime = 24 * 3600;

ApiError invalid_token(const std::string& reason) {
    return ApiError::unauthorized("The access token is invalid or expired; sign in again.")
        .with_log_detail("token rejected: " + reason);
}

std::optional<std::int64_t> int_claim(const boost::json::object& claims, std::string_view name) {
    const auto* value = claims.if_contains(name);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (value->is_int64()) {
        return value->as_int64();
    }
    if (value->is_uint64()) {
        return static_cast<std::int64_t>(value->as_uint64());
    }
    return std::nullopt;
}

std::string string_claim(const boost::json::object& claims, std::string_view name) {
    const auto* value = claims.if_contains(name);
    if (value == nullptr || !value->is_string()) {
        return {};
    }
    return std::string(value->as_string());
}

bool audience_matches(const boost::json::object& claims, std::string_view audience) {
    const auto* value = claims.if_contains("aud");
    if (value == nullptr) {
        return false;
    }
    if (value->is_string()) {
        return value->as_string() == audience;
    }
    if (value->is_array()) {
        for (const auto& entry : value->as_array()) {
            if (entry.is_string() && entry.as_string() == audience) {
                return true;
            }
        }
    }
    return false;
}

std::optional<boost::json::object> decode_json_segment(std::string_view segment) {
    auto bytes = base64url_decode(segment);
    if (!bytes) {
        return std::nullopt;
    }
    boost::system::error_code error;
    auto value = boost::json::parse(*bytes, error);
    if (error || !value.is_object()) {
        return std::nullopt;
    }
    return std::move(value.as_object());
}

std::pair<std::string, std::string> split_spec(std::string_view spec, const char* variable) {
    auto colon = spec.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == spec.size()) {
        throw ConfigError(std::string(variable) + " must look like KID:BASE64URL_KEY.");
    }
    return {std::string(spec.substr(0, colon)), std::string(spec.substr(colon + 1))};
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
    ensure_sodium();
    std::string out(
        sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                      bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    out.resize(std::strlen(out.c_str()));
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    ensure_sodium();
    std::string out(text.size(), '\0');
    size_t length = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                          text.size(), nullptr, &length, nullptr,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
        return std::nullopt;
    }
    out.resize(length);
    return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    ensure_sodium();
    if (a.size() != b.size()) {
        return false;
    }
    return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_token(std::size_t bytes) {
    ensure_sodium();
    std::string buffer(bytes, '\0');
    randombytes_buf(buffer.data(), buffer.size());
    return base64url_encode(buffer);
}

std::string random_uuid() {
    ensure_sodium();
    unsigned char bytes[16];
    randombytes_buf(bytes, sizeof bytes);
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out.push_back('-');
        }
        out.push_back(digits[bytes[i] >> 4]);
        out.push_back(digits[bytes[i] & 0x0F]);
    }
    return out;
}

std::string sha256_hex(std::string_view text) {
    ensure_sodium();
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    return hex;
}

TokenSigner TokenSigner::from_spec(std::string_view spec) {
    ensure_sodium();
    auto [kid, encoded] = split_spec(spec, "AUTH_SIGNING_KEY");
    auto seed = base64url_decode(encoded);
    if (!seed || seed->size() != crypto_sign_SEEDBYTES) {
        throw ConfigError(
            "AUTH_SIGNING_KEY must hold a base64url 32-byte Ed25519 seed after "
            "the key id.");
    }
    TokenSigner signer;
    signer.kid_ = kid;
    crypto_sign_seed_keypair(signer.public_key_.data(), signer.secret_key_.data(),
                             reinterpret_cast<const unsigned char*>(seed->data()));
    sodium_memzero(seed->data(), seed->size());
    return signer;
}

std::string TokenSigner::sign(const boost::json::object& claims) const {
    boost::json::object header{{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", kid_}};
    std::string input = base64url_encode(boost::json::serialize(header)) + "." +
                        base64url_encode(boost::json::serialize(claims));
    unsigned char signature[crypto_sign_BYTES];
    crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(input.data()),
                         input.size(), secret_key_.data());
    return input + "." +
           base64url_encode(
               std::string_view(reinterpret_cast<const char*>(signature), sizeof signature));
}

boost::json::object TokenSigner::jwk() const {
    return {{"kty", "OKP"},
            {"crv", "Ed25519"},
            {"kid", kid_},
            {"alg", "EdDSA"},
            {"use", "sig"},
            {"x", base64url_encode(std::string_view(
                      reinterpret_cast<const char*>(public_key_.data()), public_key_.size()))}};
}

std::map<std::string, PublicKey> TokenVerifier::parse_keys(std::string_view spec) {
    std::map<std::string, PublicKey> keys;
    while (!spec.empty()) {
        auto comma = spec.find(',');
        auto entry = spec.substr(0, comma);
        spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
        if (entry.empty()) {
            continue;
        }
        auto [kid, encoded] = split_spec(entry, "AUTH_PUBLIC_KEYS");
        auto bytes = base64url_decode(encoded);
        if (!bytes || bytes->size() != crypto_sign_PUBLICKEYBYTES) {
            throw ConfigError("AUTH_PUBLIC_KEYS: key '" + kid +
                              "' is not a base64url 32-byte Ed25519 public key.");
        }
        PublicKey key{};
        std::copy(bytes->begin(), bytes->end(), key.begin());
        keys[kid] = key;
    }
    return keys;
}

TokenVerifier::TokenVerifier(std::map<std::string, PublicKey> keys, Redis* redis,
                             std::int64_t leeway_seconds)
    : keys_(std::move(keys)), redis_(redis), leeway_(leeway_seconds) {
    ensure_sodium();
}

boost::json::object TokenVerifier::verify(std::string_view token, std::string_view audience) const {
    auto first = token.find('.');
    auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
        throw invalid_token("not three segments");
    }

    auto header = decode_json_segment(token.substr(0, first));
    if (!header) {
        throw invalid_token("header is not base64url JSON");
    }
    // Only EdDSA is accepted, whatever algorithm the header names ("none" and HMAC tricks fail).
    if (string_claim(*header, "alg") != "EdDSA") {
        throw invalid_token("algorithm is not EdDSA");
    }
    auto key = keys_.find(string_claim(*header, "kid"));
    if (key == keys_.end()) {
        throw invalid_token("unknown kid");
    }

    auto signature = base64url_decode(token.substr(second + 1));
    if (!signature || signature->size() != crypto_sign_BYTES) {
        throw invalid_token("signature is malformed");
    }
    auto signed_part = token.substr(0, second);
    if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature->data()),
                                    reinterpret_cast<const unsigned char*>(signed_part.data()),
                                    signed_part.size(), key->second.data()) != 0) {
        throw invalid_token("signature does not verify");
    }

    auto claims = decode_json_segment(token.substr(first + 1, second - first - 1));
    if (!claims) {
        throw invalid_token("payload is not base64url JSON");
    }
    if (string_claim(*claims, "iss") != kIssuer) {
        throw invalid_token("wrong issuer");
    }
    if (!audience_matches(*claims, audience)) {
        throw invalid_token("wrong audience");
    }

    const auto now = unix_now();
    auto expires = int_claim(*claims, "exp");
    if (!expires || now > *expires + leeway_) {
        throw invalid_token("expired");
    }
    auto not_before = int_claim(*claims, "nbf");
    if (not_before && now + leeway_ < *not_before) {
        throw invalid_token("not yet valid");
    }
    return std::move(*claims);
}

Principal TokenVerifier::verify_access(std::string_view token) const {
    auto claims = verify(token, kAudience);
    Principal principal;
    principal.id = string_claim(claims, "sub");
    principal.name = string_claim(claims, "name");
    principal.role = string_claim(claims, "role");
    principal.jti = string_claim(claims, "jti");
    auto manager = string_claim(claims, "mgr");
    if (!manager.empty()) {
        principal.manager_id = manager;
    }
    principal.issued_at = int_claim(claims, "iat").value_or(0);
    principal.expires_at = int_claim(claims, "exp").value_or(0);
    if (principal.id.empty() || principal.role.empty() || principal.jti.empty()) {
        throw invalid_token("sub, role or jti missing");
    }

    if (redis_ != nullptr) {
        auto reply =
            redis_->command({"MGET", kRevokedJti + principal.jti, kRevokedUser + principal.id});
        if (reply.type != RedisReply::Type::array || reply.elements.size() != 2) {
            throw ApiError::unavailable("Token revocation cannot be checked; try again shortly.")
                .with_log_detail("unexpected MGET reply from Redis: " + reply.text);
        }
        if (!reply.elements[0].is_nil()) {
            throw ApiError::unauthorized("The access token has been revoked; sign in again.")
                .with_log_detail("token revoked by jti");
        }
        if (!reply.elements[1].is_nil()) {
            const auto before = std::strtoll(reply.elements[1].text.c_str(), nullptr, 10);
            if (principal.issued_at < before) {
                throw ApiError::unauthorized("The access token has been revoked; sign in again.")
                    .with_log_detail("token issued before the user's revocation time");
            }
        }
    }
    return principal;
}

namespace revocation {

void revoke_token(Redis& redis, const std::string& jti, std::int64_t expires_at) {
    const auto ttl = std::max<std::int64_t>(1, expires_at - unix_now() + 120);
    redis.command({"SET", kRevokedJti + jti, "1", "EX", std::to_string(ttl)});
}

void revoke_user_tokens(Redis& redis, const std::string& user_id, std::int64_t before) {
    redis.command({"SET", kRevokedUser + user_id, std::to_string(before + 1), "EX",
                   std::to_string(kMaxTokenLifetime + 120)});
}

std::int64_t issue_time(Redis& redis, const std::string& user_id, std::int64_t now) {
    auto reply = redis.command({"GET", kRevokedUser + user_id});
    if (reply.type != RedisReply::Type::string) {
        return now;
    }
    return std::max(now, static_cast<std::int64_t>(std::strtoll(reply.text.c_str(), nullptr, 10)));
}

}  // namespace revocation

}  // namespace kronos::core
