#pragma once

// Email addresses as auth stores and compares them: trimmed and lower-cased. Addresses are
// ASCII only, so this lower-casing matches the database's `lower(email)` unique index.

#include <optional>
#include <string>
#include <string_view>

namespace kronos::auth {

inline constexpr std::size_t kMaxEmailLength = 254;

std::string normalize_email(std::string_view email);

// Checks the shape of an address and returns the reason when it is invalid. An address is
// ASCII only and has the form `local@domain`. The local part has at most 64 RFC 5322 atext
// characters and dots (no quoted local parts). The domain has two or more dot-separated labels
// of letters, digits and hyphens. Internationalised addresses (RFC 6531) are rejected.
std::optional<std::string> email_problem(std::string_view email);

inline bool is_valid_email(std::string_view email) {
    return !email_problem(email).has_value();
}

}  // namespace kronos::auth
