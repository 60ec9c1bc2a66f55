#include "kronos/core/token.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "kronos/core/errors.hpp"

using namespace kronos::core;

namespace {

// A fixed test seed (32 zero-to-31 bytes); never used outside this test.
std::string test_spec() {
    std::string seed;
    for (int i = 0; i < 32; ++i) {
        seed.push_back(static_cast<char>(i));
    }
    return "test-kid:" + base64url_encode(seed);
}

std::int64_t now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

boost::json::object claims(std::int64_t issued, std::int64_t expires) {
    return {{"iss", "kronos-auth"}, {"aud", "kronos"},    {"sub", "u1"},
            {"name", "Ann"},        {"role", "employee"}, {"jti", "j1"},
            {"iat", issued},        {"nbf", issued},      {"exp", expires}};
}

TokenVerifier verifier_for(const TokenSigner& signer) {
    return TokenVerifier({{signer.kid(), signer.public_key()}}, nullptr);
}

}  // namespace

TEST(Token, SignedTokenVerifies) {
    auto signer = TokenSigner::from_spec(test_spec());
    auto token = signer.sign(claims(now(), now() + 900));
    auto principal = verifier_for(signer).verify_access(token);
    EXPECT_EQ(principal.id, "u1");
    EXPECT_EQ(principal.role, "employee");
}

TEST(Token, ExpiredBeyondLeewayIsRejected) {
    auto signer = TokenSigner::from_spec(test_spec());
    auto token = signer.sign(claims(now() - 1000, now() - 61));
    EXPECT_THROW(verifier_for(signer).verify_access(token), ApiError);
}

TEST(Token, ExpiredWithinLeewayIsAccepted) {
    auto signer = TokenSigner::from_spec(test_spec());
    auto token = signer.sign(claims(now() - 1000, now() - 30));
    EXPECT_NO_THROW(verifier_for(signer).verify_access(token));
}

TEST(Token, TamperedPayloadIsRejected) {
    auto signer = TokenSigner::from_spec(test_spec());
    auto token = signer.sign(claims(now(), now() + 900));
    auto forged = signer.sign([&] {
        auto c = claims(now(), now() + 900);
        c["role"] = "admin";
        return c;
    }());
    // Payload of the forged token with the signature of the genuine one.
    auto mixed = forged.substr(0, forged.rfind('.')) + token.substr(token.rfind('.'));
    EXPECT_THROW(verifier_for(signer).verify_access(mixed), ApiError);
}

TEST(Token, AlgorithmNoneIsRejected) {
    auto signer = TokenSigner::from_spec(test_spec());
    auto header = base64url_encode(R"({"alg":"none","kid":"test-kid"})");
    auto payload = base64url_encode(R"({"iss":"kronos-auth","aud":"kronos","sub":"u1"})");
    EXPECT_THROW(verifier_for(signer).verify_access(header + "." + payload + "."), ApiError);
}

TEST(Token, UnknownKidIsRejected) {
    auto signer = TokenSigner::from_spec(test_spec());
    auto token = signer.sign(claims(now(), now() + 900));
    TokenVerifier other({}, nullptr);
    EXPECT_THROW(other.verify_access(token), ApiError);
}

TEST(Token, WrongAudienceIsRejected) {
    auto signer = TokenSigner::from_spec(test_spec());
    auto c = claims(now(), now() + 900);
    c["aud"] = "kronos-password-change";
    EXPECT_THROW(verifier_for(signer).verify_access(signer.sign(c)), ApiError);
    EXPECT_NO_THROW(verifier_for(signer).verify(signer.sign(c), "kronos-password-change"));
}

TEST(Token, NotBeforeInFutureIsRejected) {
    auto signer = TokenSigner::from_spec(test_spec());
    auto c = claims(now(), now() + 900);
    c["nbf"] = now() + 120;
    EXPECT_THROW(verifier_for(signer).verify_access(signer.sign(c)), ApiError);
}

TEST(Token, JwkDescribesEd25519Key) {
    auto jwk = TokenSigner::from_spec(test_spec()).jwk();
    EXPECT_EQ(jwk.at("kty").as_string(), "OKP");
    EXPECT_EQ(jwk.at("crv").as_string(), "Ed25519");
    EXPECT_EQ(jwk.at("kid").as_string(), "test-kid");
}

TEST(Secrets, ConstantTimeEqualComparesContent) {
    EXPECT_TRUE(constant_time_equal("abc", "abc"));
    EXPECT_FALSE(constant_time_equal("abc", "abd"));
    EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

TEST(Secrets, RandomUuidIsVersion4) {
    auto id = random_uuid();
    EXPECT_EQ(id.size(), 36u);
    EXPECT_EQ(id[14], '4');
    EXPECT_NE(id, random_uuid());
}
