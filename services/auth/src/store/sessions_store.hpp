#pragma once

// SQL on refresh token families, refresh tokens and issued access tokens. A family is one
// login; refreshing rotates its token; revoking it ends the login.

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace kronos::auth::store {

// An access token that was issued and has not expired yet.
struct AccessTokenRef {
    std::string jti;
    std::int64_t expires_at = 0;  // unix seconds
};

// Creates a family for a new login; returns its id.
std::string create_family(pqxx::work& tx, const std::string& user_id, std::int64_t expires_at);

void insert_refresh_token(pqxx::work& tx, const std::string& token_hash,
                          const std::string& family_id, std::int64_t expires_at);

void record_access_token(pqxx::work& tx, const std::string& jti, const std::string& user_id,
                         const std::string& family_id, std::int64_t expires_at);

struct RefreshTokenState {
    std::string family_id;
    std::string user_id;
    std::int64_t family_expires_at = 0;
    bool used = false;
    bool expired = false;
    bool family_revoked = false;
};

// The refresh token with this hash and its family, both locked (FOR UPDATE). Two concurrent
// refreshes with one token are thus serialised, and the second finds the token used.
std::optional<RefreshTokenState> lock_refresh_token(pqxx::work& tx, const std::string& token_hash);

// The family a refresh token belongs to and the family's user, without locks.
struct FamilyOwner {
    std::string family_id;
    std::string user_id;
};
std::optional<FamilyOwner> find_family_of_token(pqxx::work& tx, const std::string& token_hash);

void mark_refresh_token_used(pqxx::work& tx, const std::string& token_hash);

// Revokes one family of `user_id` and returns its unexpired access tokens.
std::vector<AccessTokenRef> revoke_family(pqxx::work& tx, const std::string& family_id,
                                          const std::string& user_id, const std::string& reason);

// Revokes every family of `user_id` except `kept_family_id`, and returns the unexpired access
// tokens of the revoked families.
std::vector<AccessTokenRef> revoke_user_families(pqxx::work& tx, const std::string& user_id,
                                                 const std::optional<std::string>& kept_family_id,
                                                 const std::string& reason);

// The user's unexpired access tokens, in every family.
std::vector<AccessTokenRef> unexpired_access_tokens(pqxx::work& tx, const std::string& user_id);

// Deletes the user's expired access tokens and expired families (with their refresh tokens).
// NOTE: it runs at each sign-in of that user only, so rows of users who never sign in again
// stay until a periodic sweep exists.
void delete_expired_sessions(pqxx::work& tx, const std::string& user_id);

}  // namespace kronos::auth::store
