#include "domain/email.hpp"

#include "domain/text.hpp"

namespace kronos::auth {

namespace {

constexpr std::size_t kMaxLocalPartLength = 64;
constexpr std::size_t kMaxLabelLength = 63;

bool is_ascii_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_local_part_character(char c) {
    constexpr std::string_view kSpecials = "!#$%&'*+/=?^_`{|}~-";
    return is_ascii_alnum(c) || kSpecials.find(c) != std::string_view::npos;
}

std::optional<std::string> local_part_problem(std::string_view local) {
    if (local.empty()) {
        return "the part before @ is empty";
    }
    if (local.size() > kMaxLocalPartLength) {
        return "the part before @ is longer than 64 characters";
    }
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
        return "the part before @ has a misplaced dot";
    }
    for (char c : local) {
        if (c != '.' && !is_local_part_character(c)) {
            return "the part before @ contains an invalid character";
        }
    }
    return std::nullopt;
}

std::optional<std::string> domain_problem(std::string_view domain) {
    if (domain.empty()) {
        return "the domain is empty";
    }
    std::size_t labels = 0;
    std::size_t start = 0;
    while (start <= domain.size()) {
        auto end = domain.find('.', start);
        if (end == std::string_view::npos) {
            end = domain.size();
        }
        const auto label = domain.substr(start, end - start);
        if (label.empty() || label.size() > kMaxLabelLength) {
            return "the domain has an empty or over-long label";
        }
        if (label.front() == '-' || label.back() == '-') {
            return "a domain label starts or ends with a hyphen";
        }
        for (char c : label) {
            if (c != '-' && !is_ascii_alnum(c)) {
                return "the domain contains an invalid character";
            }
        }
        ++labels;
        start = end + 1;
    }
    if (labels < 2) {
        return "the domain needs at least two labels, such as example.com";
    }
    return std::nullopt;
}

}  // namespace

std::string normalize_email(std::string_view email) {
    return ascii_lower(trim(email));
}

std::optional<std::string> email_problem(std::string_view email) {
    if (email.size() > kMaxEmailLength) {
        return "is longer than 254 characters";
    }
    for (char c : email) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x21 || byte > 0x7E) {
            return "must contain printable ASCII characters only, without spaces";
        }
    }
    const auto at = email.find('@');
    if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) {
        return "must contain exactly one @";
    }
    if (auto problem = local_part_problem(email.substr(0, at))) {
        return "is not a valid email address: " + *problem;
    }
    if (auto problem = domain_problem(email.substr(at + 1))) {
        return "is not a valid email address: " + *problem;
    }
    return std::nullopt;
}

}  // namespace kronos::auth
