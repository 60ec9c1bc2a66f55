#pragma once

// Request bodies and query values parsed into typed input. Each parser collects every bad
// field and throws one 422 (or 400 for query values) naming them, before anything is written.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/money.hpp"
#include "kronos/core/date.hpp"

namespace kronos::expense::http {

struct ItemInput {
    core::Date date;
    std::string category;
    domain::Money amount;
    std::string merchant;
    std::string description;
};

// {date, category, amount: {amount, currency}, merchant, description?}. The date may not be
// after `today`; the amount must be greater than zero.
ItemInput parse_item_input(const boost::json::object& body, core::Date today);

struct CategoryInput {
    std::string code;
    std::string name;
    std::optional<std::int64_t> max_per_item;           // minor units of the base currency
    std::optional<std::int64_t> receipt_required_over;  // minor units of the base currency
};

// {code, name, max_per_item?, receipt_required_over?}; limits are money in the base currency,
// a decimal string taken as the base currency, or null.
CategoryInput parse_new_category(const boost::json::object& body, const std::string& base_currency);

struct CategoryPatch {
    std::optional<std::string> name;
    // Engaged when the member was sent; the inner value is nullopt when it was null.
    std::optional<std::optional<std::int64_t>> max_per_item;
    std::optional<std::optional<std::int64_t>> receipt_required_over;
};

CategoryPatch parse_category_patch(const boost::json::object& body,
                                   const std::string& base_currency);

struct RateInput {
    std::string currency;
    domain::Rate rate;
};

// {rates: {"USD": "0.9213", ...}}: at least one currency, none equal to the base currency.
std::vector<RateInput> parse_rates_input(const boost::json::object& body,
                                         const std::string& base_currency);

// {title}.
std::string parse_title(const boost::json::object& body);
// {note}, required for reject and return, optional for approve.
std::optional<std::string> parse_note(const boost::json::object& body, bool required);
// {reference?} for reimburse.
std::optional<std::string> parse_reference(const boost::json::object& body);

// The keyset position of a claim list page.
struct ClaimCursor {
    std::string created_key;  // created_at as YYYY-MM-DDTHH:MM:SS.ffffffZ
    std::string id;
};

std::string encode_claim_cursor(const ClaimCursor& cursor);
// Throws 400 naming `cursor` when the text is not a cursor this service issued.
ClaimCursor decode_claim_cursor(const std::string& text);

}  // namespace kronos::expense::http
