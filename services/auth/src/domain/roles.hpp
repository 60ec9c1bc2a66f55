#pragma once

#include <array>
#include <string_view>

namespace kronos::auth {

inline constexpr std::array<std::string_view, 4> kRoles = {"employee", "manager", "hr", "admin"};

inline bool is_role(std::string_view role) {
    for (auto known : kRoles) {
        if (role == known) {
            return true;
        }
    }
    return false;
}

// Whether the role may manage users (list, create, edit, reset, import).
inline bool manages_users(std::string_view role) {
    return role == "hr" || role == "admin";
}

inline constexpr std::string_view kStatusActive = "active";
inline constexpr std::string_view kStatusDisabled = "disabled";

}  // namespace kronos::auth
