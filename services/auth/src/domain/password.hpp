#pragma once

// Password rules and argon2id hashing (libsodium crypto_pwhash_str with the INTERACTIVE limits).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kronos::auth {

inline constexpr std::size_t kMinPasswordLength = 12;  // code points
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// Checks a new password against the rules: at least 12 characters, at most 1024 bytes, and not
// the account's email address in any letter case. Returns the reason when it breaks one.
std::optional<std::string> password_problem(std::string_view password,
                                            std::string_view normalized_email);

// An argon2id hash string in the PHC format (`$argon2id$v=19$...`), with a random salt.
// Throws std::runtime_error when libsodium cannot allocate the memory the hash needs.
std::string hash_password(std::string_view password);

// An argon2id hash of a password this service generated (generate_temporary_password), with
// libsodium's minimum limits. The interactive limits cost 64 MiB and most of a core per hash, so
// that each guess at a human password is slow. 96 random bits cannot be guessed at any speed.
// At full cost, a CSV import of hundreds of users would outlast the gateway's timeout.
// verify_password reads the limits from the hash, so both kinds verify alike.
std::string hash_generated_password(std::string_view password);

// Whether `password` matches `hash`. A malformed hash never matches.
bool verify_password(std::string_view password, const std::string& hash);

// A hash of a random password, verified against when the email is unknown so that a wrong
// email costs the same time as a wrong password.
const std::string& dummy_password_hash();

// A random temporary password: 16 characters of base64url (96 random bits).
std::string generate_temporary_password();

}  // namespace kronos::auth
