// POST /login, /refresh and /logout: signing in, rotating refresh tokens, signing out.

#include <boost/json/value.hpp>

#include "domain/claims.hpp"
#include "domain/email.hpp"
#include "domain/password.hpp"
#include "domain/roles.hpp"
#include "http/handlers.hpp"
#include "kronos/core/errors.hpp"
#include "kronos/core/json.hpp"
#include "kronos/core/log.hpp"
#include "store/audit_store.hpp"

namespace kronos::auth::http {

namespace {

constexpr std::size_t kMaxRefreshTokenLength = 200;

core::ApiError wrong_credentials() {
    return core::ApiError::unauthorized("The email or password is incorrect.");
}

core::ApiError invalid_refresh_token() {
    return core::ApiError::unauthorized(
        "The refresh token is invalid, expired or revoked; sign in again.");
}

core::ApiError locked(std::chrono::seconds remaining) {
    return core::ApiError(core::ErrorKind::rate_limited,
                          "Too many failed sign-ins; the account is locked for " +
                              std::to_string(remaining.count()) + " seconds.")
        .with_retry_after(remaining.count());
}

struct Credentials {
    std::string email;  // normalised
    std::string password;
};

Credentials parse_credentials(const core::Request& request) {
    const auto body = core::parse_json_body(request);
    core::Fields fields(body);
    fields.only({"email", "password"});
    auto email = fields.required_string("email", {1, kMaxEmailLength});
    auto password = password_member(fields, "password");
    fields.finish();
    return {normalize_email(email), std::move(*password)};
}

}  // namespace

core::Response login(AuthContext& context, core::Request& request) {
    const auto credentials = parse_credentials(request);

    if (auto remaining = context.lockout.remaining_lock(credentials.email)) {
        throw locked(*remaining);
    }

    const auto user = context.db().transact("find_login_user", [&](pqxx::work& tx) {
        return store::find_user_for_login(tx, credentials.email);
    });
    // An unknown email is checked against a dummy hash, so it takes as long as a wrong password.
    const bool password_matches =
        verify_password(credentials.password, user ? user->password_hash : dummy_password_hash());

    if (!user || !password_matches || user->status != kStatusActive) {
        const auto lock = context.lockout.record_failure(credentials.email);
        boost::json::object fields{{"reason", !user               ? "unknown_email"
                                              : !password_matches ? "wrong_password"
                                                                  : "user_disabled"}};
        if (user) {
            fields["user_id"] = user->id;
        }
        if (lock) {
            fields["locked_seconds"] = lock->count();
        }
        core::log::info("login_failed", std::move(fields));
        throw wrong_credentials();
    }
    context.lockout.record_success(credentials.email);

    if (user->password_temporary) {
        const auto change_token = context.settings.signer.sign(
            password_change_claims(user->id, core::random_uuid(), unix_now()));
        core::log::info("login_password_change_required", {{"user_id", user->id}});
        throw core::ApiError::forbidden(
            "This is a temporary password. Choose a new password with POST "
            "/api/v1/auth/me/password, sending the change_token as the bearer token.")
            .with_type("password-change-required")
            .with_extra("change_token", boost::json::value(change_token));
    }

    const auto tokens = context.db().transact("start_session", [&](pqxx::work& tx) {
        store::delete_expired_sessions(tx, user->id);
        const auto family_expires_at = unix_now() + context.settings.refresh_token_seconds;
        const auto family_id = store::create_family(tx, user->id, family_expires_at);
        return issue_tokens(tx, context, *user, family_id, family_expires_at);
    });
    core::log::info("login_succeeded", {{"user_id", user->id}});
    return core::Response::json(200, token_response(tokens, *user));
}

core::Response refresh(AuthContext& context, core::Request& request) {
    const auto body = core::parse_json_body(request);
    core::Fields fields(body);
    fields.only({"refresh_token"});
    const auto refresh_token = fields.required_string("refresh_token", {1, kMaxRefreshTokenLength});
    fields.finish();
    // Looked up by hash: the plain token is never stored or compared.
    const auto token_hash = core::sha256_hex(refresh_token);

    enum class Outcome { rotated, invalid, reused };
    struct Result {
        Outcome outcome = Outcome::invalid;
        std::optional<store::UserRecord> user;
        IssuedTokens tokens;
        std::vector<store::AccessTokenRef> revoked;
        std::string family_id;
    };

    auto result = context.db().transact("rotate_refresh_token", [&](pqxx::work& tx) {
        Result attempt;
        const auto state = store::lock_refresh_token(tx, token_hash);
        if (!state || state->family_revoked || state->expired) {
            return attempt;
        }
        attempt.family_id = state->family_id;
        if (state->used) {
            // A used token presented again means someone else holds a copy, so the whole login
            // ends.
            attempt.outcome = Outcome::reused;
            attempt.revoked =
                store::revoke_family(tx, state->family_id, state->user_id, "refresh_token_reused");
            store::write_audit(tx, std::nullopt, "refresh_token_reused", state->user_id,
                               {{"family_id", state->family_id}});
            return attempt;
        }
        auto user = store::find_user(tx, state->user_id);
        if (!user || user->status != kStatusActive) {
            attempt.revoked =
                store::revoke_family(tx, state->family_id, state->user_id, "user_disabled");
            return attempt;
        }
        store::mark_refresh_token_used(tx, token_hash);
        attempt.tokens =
            issue_tokens(tx, context, *user, state->family_id, state->family_expires_at);
        attempt.user = std::move(user);
        attempt.outcome = Outcome::rotated;
        return attempt;
    });

    revoke_access_tokens(context.redis(), result.revoked);
    if (result.outcome == Outcome::reused) {
        core::log::warn("refresh_token_reused", {{"family_id", result.family_id}});
    }
    if (result.outcome != Outcome::rotated) {
        throw invalid_refresh_token();
    }
    return core::Response::json(200, token_response(result.tokens, *result.user));
}

core::Response logout(AuthContext& context, core::Request& request) {
    const auto& caller = request.user();

    std::optional<std::string> refresh_token;
    if (!request.body.empty()) {
        const auto body = core::parse_json_body(request);
        core::Fields fields(body);
        fields.only({"refresh_token"});
        refresh_token = fields.optional_string("refresh_token", {1, kMaxRefreshTokenLength});
        fields.finish();
    }

    // The token stops working everywhere first; the rest can be retried if it fails.
    core::revocation::revoke_token(context.redis(), caller.jti, caller.expires_at);

    // The core verified the token already; verifying again reads the `fam` claim.
    const auto claims = context.service.verifier().verify(bearer_token(request), core::kAudience);
    std::optional<std::string> family_id;
    if (const auto* fam = claims.if_contains("fam"); fam != nullptr && fam->is_string()) {
        family_id = std::string(fam->as_string());
    }

    const auto revoked = context.db().transact("end_session", [&](pqxx::work& tx) {
        std::vector<store::AccessTokenRef> tokens;
        if (family_id) {
            tokens = store::revoke_family(tx, *family_id, caller.id, "logout");
        }
        if (refresh_token) {
            const auto owner = store::find_family_of_token(tx, core::sha256_hex(*refresh_token));
            // A refresh token of another user is ignored, so a caller ends only their own logins.
            if (owner && owner->user_id == caller.id && owner->family_id != family_id) {
                auto more = store::revoke_family(tx, owner->family_id, caller.id, "logout");
                tokens.insert(tokens.end(), more.begin(), more.end());
            }
        }
        return tokens;
    });
    revoke_access_tokens(context.redis(), revoked);
    core::log::info("logout", {{"user_id", caller.id}});
    return core::Response::no_content();
}

}  // namespace kronos::auth::http
