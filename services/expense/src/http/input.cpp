#include "http/input.hpp"

#include <regex>

#include "http/common.hpp"
#include "kronos/core/errors.hpp"
#include "kronos/core/json.hpp"
#include "kronos/core/token.hpp"

namespace kronos::expense::http {

namespace {

constexpr core::StringRule kTitleRule{1, 200};
constexpr core::StringRule kMerchantRule{1, 200};
constexpr core::StringRule kDescriptionRule{0, 1000};
constexpr core::StringRule kNoteRule{1, 2000};
constexpr core::StringRule kReferenceRule{1, 200};
constexpr core::StringRule kCategoryNameRule{1, 100};

bool is_category_code(const std::string& code) {
    static const std::regex pattern("[a-z][a-z0-9_]{0,31}");
    return std::regex_match(code, pattern);
}

// A string member of a nested object, reporting errors as `<parent>.<key>`.
std::optional<std::string> nested_string(core::Fields& fields, const boost::json::object& object,
                                         const std::string& parent, const std::string& key) {
    const auto* value = object.if_contains(key);
    if (value == nullptr || value->is_null()) {
        fields.fail(parent + "." + key, "is required");
        return std::nullopt;
    }
    if (!value->is_string()) {
        fields.fail(parent + "." + key, key == "amount"
                                            ? "must be a decimal string such as \"12.34\""
                                            : "must be a string");
        return std::nullopt;
    }
    return std::string(value->as_string());
}

// A limit of a category: money in the base currency, a decimal string, or null. Returns an
// engaged optional when the member was sent and valid.
std::optional<std::optional<std::int64_t>> parse_limit(core::Fields& fields,
                                                       const boost::json::object& body,
                                                       const std::string& key,
                                                       const std::string& base_currency) {
    const auto* value = body.if_contains(key);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (value->is_null()) {
        return std::optional<std::int64_t>{};
    }

    const int digits = domain::currency_digits(base_currency).value_or(2);
    std::optional<std::string> amount;
    if (value->is_string()) {
        amount = std::string(value->as_string());
    } else if (value->is_object()) {
        const auto& money = value->as_object();
        amount = nested_string(fields, money, key, "amount");
        auto currency = nested_string(fields, money, key, "currency");
        if (currency && *currency != base_currency) {
            fields.fail(key + ".currency", "must be the base currency " + base_currency);
            return std::nullopt;
        }
    } else {
        fields.fail(key, "must be money such as {\"amount\": \"25.00\", \"currency\": \"" +
                             base_currency + "\"} or null");
        return std::nullopt;
    }
    if (!amount) {
        return std::nullopt;
    }

    const std::string field = value->is_object() ? key + ".amount" : key;
    auto minor = domain::parse_minor_units(*amount, digits, field);
    if (!minor) {
        fail_field(fields, minor.error(), field);
        return std::nullopt;
    }
    if (key == "max_per_item" && minor.value() == 0) {
        fields.fail(field, "must be greater than zero, or null for no maximum");
        return std::nullopt;
    }
    return std::optional<std::int64_t>{minor.value()};
}

}  // namespace

ItemInput parse_item_input(const boost::json::object& body, core::Date today) {
    core::Fields fields(body);
    fields.only({"date", "category", "amount", "merchant", "description"});

    auto date = fields.date("date", true);
    if (date && *date > today) {
        fields.fail("date",
                    "must not be in the future (today is " + core::format_date(today) + " UTC)");
    }
    auto category = fields.string("category", true, {1, 32});
    if (category && !is_category_code(*category)) {
        fields.fail("category", "unknown category '" + *category + "'");
    }

    std::optional<domain::Money> amount;
    const auto* amount_value = fields.raw("amount");
    if (amount_value == nullptr || amount_value->is_null()) {
        fields.fail("amount", "is required");
    } else if (!amount_value->is_object()) {
        fields.fail("amount",
                    "must be money such as {\"amount\": \"12.34\", \"currency\": \"EUR\"}");
    } else {
        const auto& money = amount_value->as_object();
        auto text = nested_string(fields, money, "amount", "amount");
        auto currency = nested_string(fields, money, "amount", "currency");
        if (text && currency) {
            auto parsed = domain::parse_item_amount(*text, *currency);
            if (parsed) {
                amount = parsed.value();
            } else {
                fail_field(fields, parsed.error(), "amount");
            }
        }
    }

    auto merchant = fields.string("merchant", true, kMerchantRule);
    auto description = fields.string("description", false, kDescriptionRule);
    fields.finish();

    return ItemInput{*date, *category, *amount, *merchant, description.value_or("")};
}

CategoryInput parse_new_category(const boost::json::object& body,
                                 const std::string& base_currency) {
    core::Fields fields(body);
    fields.only({"code", "name", "max_per_item", "receipt_required_over"});

    auto code = fields.string("code", true, {1, 32});
    if (code && !is_category_code(*code)) {
        fields.fail("code",
                    "must be 1 to 32 lower-case letters, digits or '_', starting with a letter");
    }
    auto name = fields.string("name", true, kCategoryNameRule);
    auto max_per_item = parse_limit(fields, body, "max_per_item", base_currency);
    auto receipt_required_over = parse_limit(fields, body, "receipt_required_over", base_currency);
    fields.finish();

    return CategoryInput{*code, *name, max_per_item.value_or(std::nullopt),
                         receipt_required_over.value_or(std::nullopt)};
}

CategoryPatch parse_category_patch(const boost::json::object& body,
                                   const std::string& base_currency) {
    core::Fields fields(body);
    fields.only({"name", "max_per_item", "receipt_required_over"});

    CategoryPatch patch;
    patch.name = fields.string("name", false, kCategoryNameRule);
    patch.max_per_item = parse_limit(fields, body, "max_per_item", base_currency);
    patch.receipt_required_over = parse_limit(fields, body, "receipt_required_over", base_currency);
    fields.finish();
    return patch;
}

std::vector<RateInput> parse_rates_input(const boost::json::object& body,
                                         const std::string& base_currency) {
    core::Fields fields(body);
    fields.only({"rates"});

    std::vector<RateInput> rates;
    const auto* value = fields.raw("rates");
    if (value == nullptr || value->is_null()) {
        fields.fail("rates", "is required");
    } else if (!value->is_object() || value->as_object().empty()) {
        fields.fail("rates",
                    "must be an object of currency codes to decimal strings, such as "
                    "{\"USD\": \"0.9213\"}");
    } else {
        for (const auto& member : value->as_object()) {
            const std::string currency(member.key());
            const std::string field = "rates." + currency;
            if (!domain::currency_digits(currency)) {
                fields.fail(field, "must be keyed by a three-letter ISO 4217 code such as USD");
                continue;
            }
            if (currency == base_currency) {
                fields.fail(field, "is the base currency, whose rate is always 1");
                continue;
            }
            if (!member.value().is_string()) {
                fields.fail(field, "must be a decimal string such as \"0.9213\"");
                continue;
            }
            auto rate = domain::parse_rate(member.value().as_string(), field);
            if (!rate) {
                fail_field(fields, rate.error(), field);
                continue;
            }
            rates.push_back(RateInput{currency, rate.value()});
        }
    }
    fields.finish();
    return rates;
}

std::string parse_title(const boost::json::object& body) {
    core::Fields fields(body);
    fields.only({"title"});
    auto title = fields.string("title", true, kTitleRule);
    fields.finish();
    return *title;
}

std::optional<std::string> parse_note(const boost::json::object& body, bool required) {
    core::Fields fields(body);
    fields.only({"note"});
    auto note = fields.string("note", required, kNoteRule);
    fields.finish();
    return note;
}

std::optional<std::string> parse_reference(const boost::json::object& body) {
    core::Fields fields(body);
    fields.only({"reference"});
    auto reference = fields.string("reference", false, kReferenceRule);
    fields.finish();
    return reference;
}

std::string encode_claim_cursor(const ClaimCursor& cursor) {
    return core::base64url_encode(cursor.created_key + "|" + cursor.id);
}

ClaimCursor decode_claim_cursor(const std::string& text) {
    static const std::regex key_pattern(
        R"(\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{6}Z)");
    const auto invalid = [] {
        return core::ApiError::invalid(
                   "Query parameter 'cursor' is not valid; use next_cursor from the previous page.")
            .with_field("cursor", "is not a cursor from a previous page");
    };

    auto decoded = core::base64url_decode(text);
    if (!decoded) {
        throw invalid();
    }
    const auto bar = decoded->find('|');
    if (bar == std::string::npos) {
        throw invalid();
    }
    ClaimCursor cursor{decoded->substr(0, bar), decoded->substr(bar + 1)};
    if (!std::regex_match(cursor.created_key, key_pattern) ||
        !core::parse_date(std::string_view(cursor.created_key).substr(0, 10)) ||
        !core::is_uuid(cursor.id)) {
        throw invalid();
    }
    return cursor;
}

}  // namespace kronos::expense::http
