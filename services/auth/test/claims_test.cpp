#include "domain/claims.hpp"

#include <gtest/gtest.h>

namespace kronos::auth {
namespace {

TEST(AccessClaims, CarryContractClaims) {
    const auto claims =
        access_claims({"u1", "Ann", "manager", std::string("m1")}, "j1", "f1", 1000, 900);
    EXPECT_EQ(claims.at("iss").as_string(), "kronos-auth");
    EXPECT_EQ(claims.at("aud").as_string(), "kronos");
    EXPECT_EQ(claims.at("sub").as_string(), "u1");
    EXPECT_EQ(claims.at("name").as_string(), "Ann");
    EXPECT_EQ(claims.at("role").as_string(), "manager");
    EXPECT_EQ(claims.at("mgr").as_string(), "m1");
    EXPECT_EQ(claims.at("jti").as_string(), "j1");
    EXPECT_EQ(claims.at("fam").as_string(), "f1");
    EXPECT_EQ(claims.at("iat").as_int64(), 1000);
    EXPECT_EQ(claims.at("nbf").as_int64(), 1000);
    EXPECT_EQ(claims.at("exp").as_int64(), 1900);
}

TEST(AccessClaims, ManagerAbsentWithoutManager) {
    const auto claims = access_claims({"u1", "Ann", "employee", std::nullopt}, "j1", "f1", 0, 900);
    EXPECT_FALSE(claims.contains("mgr"));
}

TEST(PasswordChangeClaims, UseOwnAudienceAndTenMinutes) {
    const auto claims = password_change_claims("u1", "j1", 1000);
    EXPECT_EQ(claims.at("aud").as_string(), "kronos-password-change");
    EXPECT_EQ(claims.at("exp").as_int64(), 1600);
    EXPECT_FALSE(claims.contains("role"));
}

}  // namespace
}  // namespace kronos::auth
