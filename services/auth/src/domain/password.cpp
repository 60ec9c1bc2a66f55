#include "domain/password.hpp"

#include <sodium.h>

#include <stdexcept>

#include "domain/email.hpp"
#include "domain/text.hpp"
#include "kronos/core/token.hpp"

namespace kronos::auth {

namespace {

void ensure_sodium() {
    // sodium_init is thread-safe and returns 1 when already initialised.
    static const int status = sodium_init();
    if (status < 0) {
        throw std::runtime_error("libsodium failed to initialise");
    }
}

}  // namespace

std::optional<std::string> password_problem(std::string_view password,
                                            std::string_view normalized_email) {
    if (password.size() > kMaxPasswordBytes) {
        return "must be at most 1024 bytes long";
    }
    if (!is_valid_utf8(password)) {
        return "is not valid UTF-8";
    }
    if (count_code_points(password) < kMinPasswordLength) {
        return "must be at least 12 characters long";
    }
    if (!normalized_email.empty() && normalize_email(password) == normalized_email) {
        return "must not be the email address";
    }
    return std::nullopt;
}

std::string hash_password(std::string_view password) {
    ensure_sodium();
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password.data(), password.size(),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        throw std::runtime_error("argon2id hashing failed (out of memory)");
    }
    return hash;
}

std::string hash_generated_password(std::string_view password) {
    ensure_sodium();
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(
            hash, password.data(), password.size(), crypto_pwhash_argon2id_OPSLIMIT_MIN,
            crypto_pwhash_argon2id_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw std::runtime_error("argon2id hashing failed (out of memory)");
    }
    return hash;
}

bool verify_password(std::string_view password, const std::string& hash) {
    ensure_sodium();
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

const std::string& dummy_password_hash() {
    static const std::string hash = hash_password(core::random_token(32));
    return hash;
}

std::string generate_temporary_password() {
    return core::random_token(12);
}

}  // namespace kronos::auth
