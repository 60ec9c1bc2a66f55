#include "http/context.hpp"

#include <chrono>

#include "domain/claims.hpp"
#include "domain/email.hpp"
#include "domain/password.hpp"
#include "kronos/core/config.hpp"
#include "kronos/core/directory.hpp"
#include "kronos/core/errors.hpp"
#include "kronos/core/log.hpp"

namespace kronos::auth {

namespace {

constexpr std::int64_t kDay = 24 * 60 * 60;

std::optional<BootstrapAdmin> bootstrap_admin_from_environment() {
    const auto email = normalize_email(core::config::optional("AUTH_BOOTSTRAP_ADMIN_EMAIL", ""));
    if (email.empty()) {
        return std::nullopt;
    }
    if (auto problem = email_problem(email)) {
        throw core::ConfigError("AUTH_BOOTSTRAP_ADMIN_EMAIL " + *problem);
    }
    auto password = core::config::optional_secret("AUTH_BOOTSTRAP_ADMIN_PASSWORD");
    if (!password || password->empty()) {
        throw core::ConfigError(
            "AUTH_BOOTSTRAP_ADMIN_EMAIL is set, so AUTH_BOOTSTRAP_ADMIN_PASSWORD or "
            "AUTH_BOOTSTRAP_ADMIN_PASSWORD_FILE must be set too");
    }
    if (auto problem = password_problem(*password, email)) {
        throw core::ConfigError("AUTH_BOOTSTRAP_ADMIN_PASSWORD " + *problem);
    }
    return BootstrapAdmin{email, std::move(*password)};
}

}  // namespace

AuthSettings AuthSettings::from_environment() {
    AuthSettings settings;
    settings.signer = core::TokenSigner::from_spec(core::config::secret("AUTH_SIGNING_KEY"));
    settings.access_token_seconds =
        core::config::integer("ACCESS_TOKEN_TTL_SECONDS", 900, 60, kDay);
    settings.refresh_token_seconds =
        core::config::integer("REFRESH_TOKEN_TTL_SECONDS", 30 * kDay, 300, 365 * kDay);
    settings.bootstrap_admin = bootstrap_admin_from_environment();
    return settings;
}

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

boost::json::object user_json(const store::UserRecord& user) {
    boost::json::object json;
    json["id"] = user.id;
    json["email"] = user.email;
    json["name"] = user.name;
    json["role"] = user.role;
    if (user.manager_id) {
        json["manager_id"] = *user.manager_id;
    } else {
        json["manager_id"] = nullptr;
    }
    json["status"] = user.status;
    json["created_at"] = user.created_at;
    return json;
}

IssuedTokens issue_tokens(pqxx::work& tx, AuthContext& context, const store::UserRecord& user,
                          const std::string& family_id, std::int64_t family_expires_at) {
    // Right after a revocation of all the user's tokens this is a second ahead, so the new
    // token is not caught by it.
    const auto now = core::revocation::issue_time(context.redis(), user.id, unix_now());
    const auto lifetime = context.settings.access_token_seconds;
    const auto jti = core::random_uuid();
    const TokenSubject subject{user.id, user.name, user.role, user.manager_id};

    IssuedTokens tokens;
    tokens.access_token =
        context.settings.signer.sign(access_claims(subject, jti, family_id, now, lifetime));
    tokens.expires_in = lifetime;
    store::record_access_token(tx, jti, user.id, family_id, now + lifetime);

    tokens.refresh_token = core::random_token(32);
    store::insert_refresh_token(tx, core::sha256_hex(tokens.refresh_token), family_id,
                                family_expires_at);
    return tokens;
}

boost::json::object token_response(const IssuedTokens& tokens, const store::UserRecord& user) {
    boost::json::object json;
    json["access_token"] = tokens.access_token;
    json["token_type"] = "Bearer";
    json["expires_in"] = tokens.expires_in;
    json["refresh_token"] = tokens.refresh_token;
    json["user"] = user_json(user);
    return json;
}

void revoke_access_tokens(core::Redis& redis, const std::vector<store::AccessTokenRef>& tokens) {
    for (const auto& token : tokens) {
        core::revocation::revoke_token(redis, token.jti, token.expires_at);
    }
}

void publish_user(AuthContext& context, const store::UserRecord& user) {
    const core::DirectoryEntry entry{user.id,   user.email,      user.name,
                                     user.role, user.manager_id, user.status};
    try {
        core::publish_directory_entry(context.redis(), entry);
    } catch (const core::ApiError& error) {
        core::log::error(
            "directory_publish_failed",
            {{"user_id", user.id},
             {"error", error.log_detail().empty() ? error.detail() : error.log_detail()}});
    }
}

std::string_view bearer_token(const core::Request& request) {
    const auto header = request.header("authorization");
    constexpr std::string_view kScheme = "bearer ";
    if (header.size() <= kScheme.size()) {
        return {};
    }
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        const char c = header[i];
        const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        if (lower != kScheme[i]) {
            return {};
        }
    }
    return header.substr(kScheme.size());
}

void require_user_manager(const core::Principal& caller) {
    if (!caller.is_hr_or_admin()) {
        throw core::ApiError::forbidden("Only hr and admin users may manage users.");
    }
}

std::optional<std::string> password_member(core::Fields& fields, std::string_view key) {
    const auto* value = fields.raw(key);
    if (value == nullptr || value->is_null()) {
        fields.fail(std::string(key), "is required");
        return std::nullopt;
    }
    if (!value->is_string()) {
        fields.fail(std::string(key), "must be a string");
        return std::nullopt;
    }
    std::string password(value->as_string());
    if (password.empty()) {
        fields.fail(std::string(key), "is required");
        return std::nullopt;
    }
    if (password.size() > kMaxPasswordBytes) {
        fields.fail(std::string(key), "must be at most 1024 bytes long");
        return std::nullopt;
    }
    return password;
}

}  // namespace kronos::auth
