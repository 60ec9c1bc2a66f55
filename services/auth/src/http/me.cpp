// GET /me and POST /me/password: the caller's own account.

#include <boost/json/parse.hpp>

#include "domain/claims.hpp"
#include "domain/password.hpp"
#include "domain/roles.hpp"
#include "http/handlers.hpp"
#include "kronos/core/errors.hpp"
#include "kronos/core/json.hpp"
#include "kronos/core/log.hpp"
#include "store/audit_store.hpp"

namespace kronos::auth::http {

namespace {

// The caller of a password change: a signed-in user (with the login's family, which stays
// valid), or the holder of a password-change token from a sign-in with a temporary password.
struct PasswordChanger {
    std::string user_id;
    std::optional<std::string> family_id;
    bool with_change_token = false;
};

// Reads `aud` from the token's payload without checking the signature. It only picks the
// verification to run; that verification then checks everything.
std::optional<std::string> unverified_audience(std::string_view token) {
    const auto first = token.find('.');
    const auto second = token.find('.', first == std::string_view::npos ? first : first + 1);
    if (first == std::string_view::npos || second == std::string_view::npos) {
        return std::nullopt;
    }
    const auto payload = core::base64url_decode(token.substr(first + 1, second - first - 1));
    if (!payload) {
        return std::nullopt;
    }
    boost::system::error_code error;
    const auto claims = boost::json::parse(*payload, error);
    if (error || !claims.is_object()) {
        return std::nullopt;
    }
    const auto* audience = claims.as_object().if_contains("aud");
    if (audience == nullptr || !audience->is_string()) {
        return std::nullopt;
    }
    return std::string(audience->as_string());
}

PasswordChanger authenticate_password_changer(AuthContext& context, core::Request& request) {
    const auto token = bearer_token(request);
    if (token.empty()) {
        throw core::ApiError::unauthorized(
            "Send an access token or a password-change token as `Authorization: Bearer`.");
    }
    auto& verifier = context.service.verifier();

    if (unverified_audience(token) == kPasswordChangeAudience) {
        const auto claims = verifier.verify(token, kPasswordChangeAudience);
        const auto* subject = claims.if_contains("sub");
        if (subject == nullptr || !subject->is_string()) {
            throw core::ApiError::unauthorized("The password-change token has no subject.");
        }
        return {std::string(subject->as_string()), std::nullopt, true};
    }

    request.principal = verifier.verify_access(token);
    PasswordChanger changer{request.principal->id, std::nullopt};
    const auto claims = verifier.verify(token, core::kAudience);
    if (const auto* fam = claims.if_contains("fam"); fam != nullptr && fam->is_string()) {
        changer.family_id = std::string(fam->as_string());
    }
    return changer;
}

}  // namespace

core::Response get_me(AuthContext& context, core::Request& request) {
    const auto& caller = request.user();
    const auto user = context.db().transact(
        "find_user", [&](pqxx::work& tx) { return store::find_user(tx, caller.id); });
    if (!user) {
        throw core::ApiError::not_found("The signed-in user no longer exists.");
    }
    return core::Response::json(200, user_json(*user));
}

core::Response change_my_password(AuthContext& context, core::Request& request) {
    const auto changer = authenticate_password_changer(context, request);

    const auto body = core::parse_json_body(request);
    core::Fields fields(body);
    fields.only({"current_password", "new_password"});
    const auto current_password = password_member(fields, "current_password");
    const auto new_password = password_member(fields, "new_password");
    fields.finish();

    const auto user = context.db().transact(
        "find_user", [&](pqxx::work& tx) { return store::find_user(tx, changer.user_id); });
    if (!user || user->status != kStatusActive) {
        throw core::ApiError::unauthorized("The account does not exist or is disabled.");
    }
    // A change token replaces a temporary password once; afterwards it is worth nothing.
    if (changer.with_change_token && !user->password_temporary) {
        throw core::ApiError::unauthorized(
            "The password-change token was already used; sign in with the new password.");
    }
    if (auto remaining = context.lockout.remaining_lock(user->email)) {
        throw core::ApiError(core::ErrorKind::rate_limited,
                             "Too many failed attempts; the account is locked for " +
                                 std::to_string(remaining->count()) + " seconds.")
            .with_retry_after(remaining->count());
    }

    if (auto problem = password_problem(*new_password, user->email)) {
        throw core::ApiError::field("new_password", *problem);
    }
    if (*new_password == *current_password) {
        throw core::ApiError::field("new_password", "must differ from the current password");
    }
    // Guessing the current password here counts as a failed sign-in, so a stolen access token
    // cannot be used to try passwords without limit.
    if (!verify_password(*current_password, user->password_hash)) {
        context.lockout.record_failure(user->email);
        throw core::ApiError::field("current_password", "is incorrect");
    }

    const auto new_hash = hash_password(*new_password);
    const auto revoked = context.db().transact("change_password", [&](pqxx::work& tx) {
        const auto locked = store::lock_user(tx, user->id);
        if (!locked || !core::constant_time_equal(locked->password_hash, user->password_hash)) {
            throw core::ApiError::conflict(
                "The password was changed by another request meanwhile; sign in again.");
        }
        store::set_password(tx, user->id, new_hash, false);
        auto tokens =
            store::revoke_user_families(tx, user->id, changer.family_id, "password_changed");
        store::write_audit(tx, user->id, "password_changed", user->id,
                           {{"other_logins_revoked", true}});
        return tokens;
    });
    revoke_access_tokens(context.redis(), revoked);
    context.lockout.record_success(user->email);
    core::log::info("password_changed", {{"user_id", user->id}});
    return core::Response::no_content();
}

}  // namespace kronos::auth::http
