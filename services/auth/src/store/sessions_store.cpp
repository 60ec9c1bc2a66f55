#include "store/sessions_store.hpp"

namespace kronos::auth::store {

namespace {

constexpr const char* kCreateFamily =
    "INSERT INTO refresh_families (user_id, expires_at) VALUES ($1, to_timestamp($2)) "
    "RETURNING id::text";

constexpr const char* kInsertRefreshToken =
    "INSERT INTO refresh_tokens (token_hash, family_id, expires_at) "
    "VALUES ($1, $2, to_timestamp($3))";

constexpr const char* kRecordAccessToken =
    "INSERT INTO access_tokens (jti, user_id, family_id, expires_at) "
    "VALUES ($1, $2, $3, to_timestamp($4))";

constexpr const char* kLockRefreshToken = R"(
SELECT f.id::text AS family_id, f.user_id::text AS user_id,
       extract(epoch FROM f.expires_at)::bigint AS family_expires_at,
       t.used_at IS NOT NULL AS used,
       (t.expires_at <= now() OR f.expires_at <= now()) AS expired,
       f.revoked_at IS NOT NULL AS family_revoked
FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id
WHERE t.token_hash = $1
FOR UPDATE OF t, f)";

constexpr const char* kFindFamilyOfToken =
    "SELECT f.id::text AS family_id, f.user_id::text AS user_id "
    "FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id "
    "WHERE t.token_hash = $1";

constexpr const char* kMarkRefreshTokenUsed =
    "UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1";

constexpr const char* kRevokeFamily =
    "UPDATE refresh_families SET revoked_at = now(), revoked_reason = $3 "
    "WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL";

constexpr const char* kFamilyAccessTokens =
    "SELECT jti::text AS jti, extract(epoch FROM expires_at)::bigint AS expires_at "
    "FROM access_tokens WHERE family_id = $1 AND expires_at > now()";

constexpr const char* kRevokeUserFamilies =
    "UPDATE refresh_families SET revoked_at = now(), revoked_reason = $3 "
    "WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid) "
    "RETURNING id";

constexpr const char* kOtherFamiliesAccessTokens =
    "SELECT jti::text AS jti, extract(epoch FROM expires_at)::bigint AS expires_at "
    "FROM access_tokens WHERE user_id = $1 AND expires_at > now() "
    "  AND ($2::uuid IS NULL OR family_id <> $2::uuid)";

constexpr const char* kUserAccessTokens =
    "SELECT jti::text AS jti, extract(epoch FROM expires_at)::bigint AS expires_at "
    "FROM access_tokens WHERE user_id = $1 AND expires_at > now()";

constexpr const char* kDeleteExpiredAccessTokens =
    "DELETE FROM access_tokens WHERE user_id = $1 AND expires_at <= now()";

// Refresh tokens and access tokens of the family go with it (ON DELETE CASCADE).
constexpr const char* kDeleteExpiredFamilies =
    "DELETE FROM refresh_families WHERE user_id = $1 AND expires_at <= now()";

std::vector<AccessTokenRef> to_access_tokens(const pqxx::result& result) {
    std::vector<AccessTokenRef> tokens;
    tokens.reserve(result.size());
    for (const auto& row : result) {
        tokens.push_back({row["jti"].as<std::string>(), row["expires_at"].as<std::int64_t>()});
    }
    return tokens;
}

}  // namespace

std::string create_family(pqxx::work& tx, const std::string& user_id, std::int64_t expires_at) {
    return tx.exec_params(kCreateFamily, user_id, expires_at)[0][0].as<std::string>();
}

void insert_refresh_token(pqxx::work& tx, const std::string& token_hash,
                          const std::string& family_id, std::int64_t expires_at) {
    tx.exec_params(kInsertRefreshToken, token_hash, family_id, expires_at);
}

void record_access_token(pqxx::work& tx, const std::string& jti, const std::string& user_id,
                         const std::string& family_id, std::int64_t expires_at) {
    tx.exec_params(kRecordAccessToken, jti, user_id, family_id, expires_at);
}

std::optional<RefreshTokenState> lock_refresh_token(pqxx::work& tx, const std::string& token_hash) {
    auto result = tx.exec_params(kLockRefreshToken, token_hash);
    if (result.empty()) {
        return std::nullopt;
    }
    const auto& row = result[0];
    RefreshTokenState state;
    state.family_id = row["family_id"].as<std::string>();
    state.user_id = row["user_id"].as<std::string>();
    state.family_expires_at = row["family_expires_at"].as<std::int64_t>();
    state.used = row["used"].as<bool>();
    state.expired = row["expired"].as<bool>();
    state.family_revoked = row["family_revoked"].as<bool>();
    return state;
}

std::optional<FamilyOwner> find_family_of_token(pqxx::work& tx, const std::string& token_hash) {
    auto result = tx.exec_params(kFindFamilyOfToken, token_hash);
    if (result.empty()) {
        return std::nullopt;
    }
    return FamilyOwner{result[0]["family_id"].as<std::string>(),
                       result[0]["user_id"].as<std::string>()};
}

void mark_refresh_token_used(pqxx::work& tx, const std::string& token_hash) {
    tx.exec_params(kMarkRefreshTokenUsed, token_hash);
}

std::vector<AccessTokenRef> revoke_family(pqxx::work& tx, const std::string& family_id,
                                          const std::string& user_id, const std::string& reason) {
    auto revoked = tx.exec_params(kRevokeFamily, family_id, user_id, reason);
    if (revoked.affected_rows() == 0) {
        // Already revoked (or another user's): its tokens were put on the list back then.
        return {};
    }
    return to_access_tokens(tx.exec_params(kFamilyAccessTokens, family_id));
}

std::vector<AccessTokenRef> revoke_user_families(pqxx::work& tx, const std::string& user_id,
                                                 const std::optional<std::string>& kept_family_id,
                                                 const std::string& reason) {
    tx.exec_params(kRevokeUserFamilies, user_id, kept_family_id, reason);
    return to_access_tokens(tx.exec_params(kOtherFamiliesAccessTokens, user_id, kept_family_id));
}

std::vector<AccessTokenRef> unexpired_access_tokens(pqxx::work& tx, const std::string& user_id) {
    return to_access_tokens(tx.exec_params(kUserAccessTokens, user_id));
}

void delete_expired_sessions(pqxx::work& tx, const std::string& user_id) {
    tx.exec_params(kDeleteExpiredAccessTokens, user_id);
    tx.exec_params(kDeleteExpiredFamilies, user_id);
}

}  // namespace kronos::auth::store
