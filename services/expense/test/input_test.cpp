#include "http/input.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <string>
#include <vector>

#include "kronos/core/errors.hpp"

namespace kronos::expense::http {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

const core::Date kToday{year{2026}, month{3}, day{2}};

boost::json::object object_of(const char* json) {
    return boost::json::parse(json).as_object();
}

// The fields a 422 names, or a test failure when the call does not throw one.
template <class Call>
std::vector<std::string> rejected_fields(Call call) {
    try {
        call();
    } catch (const core::ApiError& error) {
        EXPECT_EQ(error.kind(), core::ErrorKind::rule_violated) << error.detail();
        std::vector<std::string> fields;
        for (const auto& field : error.fields()) {
            fields.push_back(field.field);
        }
        return fields;
    }
    ADD_FAILURE() << "no error thrown";
    return {};
}

bool names(const std::vector<std::string>& fields, const std::string& field) {
    return std::find(fields.begin(), fields.end(), field) != fields.end();
}

TEST(ItemInput, ParsesValidItem) {
    const auto input = parse_item_input(object_of(R"({"date": "2026-03-01", "category": "meals",
                      "amount": {"amount": "12.50", "currency": "USD"},
                      "merchant": "Cafe Nord", "description": "team lunch"})"),
                                        kToday);
    EXPECT_EQ(core::format_date(input.date), "2026-03-01");
    EXPECT_EQ(input.category, "meals");
    EXPECT_EQ(input.amount.minor, 1250);
    EXPECT_EQ(input.amount.currency, "USD");
    EXPECT_EQ(input.merchant, "Cafe Nord");
    EXPECT_EQ(input.description, "team lunch");
}

TEST(ItemInput, DescriptionIsOptional) {
    const auto input = parse_item_input(object_of(R"({"date": "2026-03-02", "category": "travel",
                      "amount": {"amount": "1200", "currency": "JPY"}, "merchant": "JR"})"),
                                        kToday);
    EXPECT_EQ(input.amount.minor, 1200);
    EXPECT_EQ(input.description, "");
}

TEST(ItemInput, RejectsFutureDate) {
    auto fields = rejected_fields([] {
        parse_item_input(object_of(R"({"date": "2026-03-03", "category": "meals",
                                       "amount": {"amount": "1.00", "currency": "EUR"},
                                       "merchant": "x"})"),
                         kToday);
    });
    EXPECT_TRUE(names(fields, "date"));
}

TEST(ItemInput, RejectsBadAmounts) {
    struct Case {
        const char* amount;
        const char* field;
    };
    const Case cases[] = {
        {R"({"amount": "0.00", "currency": "EUR"})", "amount.amount"},
        {R"({"amount": "-1.00", "currency": "EUR"})", "amount.amount"},
        {R"({"amount": "1.234", "currency": "EUR"})", "amount.amount"},
        {R"({"amount": "1.5", "currency": "JPY"})", "amount.amount"},
        {R"({"amount": 12.5, "currency": "EUR"})", "amount.amount"},
        {R"({"amount": "12.50", "currency": "eur"})", "amount.currency"},
        {R"({"amount": "12.50"})", "amount.currency"},
        {R"("12.50")", "amount"},
    };
    for (const auto& test : cases) {
        const std::string body = std::string(R"({"date": "2026-03-01", "category": "meals",
                                                 "merchant": "x", "amount": )") +
                                 test.amount + "}";
        auto fields = rejected_fields([&] { parse_item_input(object_of(body.c_str()), kToday); });
        EXPECT_TRUE(names(fields, test.field)) << "amount: " << test.amount;
    }
}

TEST(ItemInput, NamesEveryBadField) {
    auto fields = rejected_fields([] {
        parse_item_input(object_of(R"({"date": "2026-02-30", "category": "Meals!",
                                       "merchant": "", "extra": 1})"),
                         kToday);
    });
    EXPECT_TRUE(names(fields, "date"));
    EXPECT_TRUE(names(fields, "category"));
    EXPECT_TRUE(names(fields, "amount"));
    EXPECT_TRUE(names(fields, "merchant"));
    EXPECT_TRUE(names(fields, "extra"));
}

TEST(RatesInput, ParsesRates) {
    const auto rates =
        parse_rates_input(object_of(R"({"rates": {"USD": "0.9213", "JPY": "0.0061"}})"), "EUR");
    ASSERT_EQ(rates.size(), 2u);
    const auto usd = std::find_if(rates.begin(), rates.end(),
                                  [](const RateInput& rate) { return rate.currency == "USD"; });
    ASSERT_NE(usd, rates.end());
    EXPECT_EQ(domain::format_rate(usd->rate), "0.9213");
}

TEST(RatesInput, RejectsBadRates) {
    struct Case {
        const char* body;
        const char* field;
    };
    const Case cases[] = {
        {R"({"rates": {"EUR": "1"}})", "rates.EUR"},
        {R"({"rates": {"usd": "0.9"}})", "rates.usd"},
        {R"({"rates": {"USD": 0.9}})", "rates.USD"},
        {R"({"rates": {"USD": "0"}})", "rates.USD"},
        {R"({"rates": {"USD": "-0.9"}})", "rates.USD"},
        {R"({"rates": {"USD": "abc"}})", "rates.USD"},
        {R"({"rates": {}})", "rates"},
        {R"({"rates": ["USD"]})", "rates"},
        {R"({})", "rates"},
    };
    for (const auto& test : cases) {
        auto fields = rejected_fields([&] { parse_rates_input(object_of(test.body), "EUR"); });
        EXPECT_TRUE(names(fields, test.field)) << "body: " << test.body;
    }
}

TEST(CategoryInput, ParsesMoneyStringAndNullLimits) {
    const auto input = parse_new_category(object_of(R"({"code": "training", "name": "Training",
                      "max_per_item": {"amount": "500.00", "currency": "EUR"},
                      "receipt_required_over": "0"})"),
                                          "EUR");
    EXPECT_EQ(input.code, "training");
    EXPECT_EQ(input.max_per_item, 50000);
    EXPECT_EQ(input.receipt_required_over, 0);

    const auto unlimited = parse_new_category(
        object_of(R"({"code": "misc", "name": "Misc", "max_per_item": null})"), "EUR");
    EXPECT_FALSE(unlimited.max_per_item.has_value());
    EXPECT_FALSE(unlimited.receipt_required_over.has_value());
}

TEST(CategoryInput, RejectsBadCategory) {
    struct Case {
        const char* body;
        const char* field;
    };
    const Case cases[] = {
        {R"({"code": "Travel", "name": "x"})", "code"},
        {R"({"code": "1abc", "name": "x"})", "code"},
        {R"({"code": "ok"})", "name"},
        {R"({"code": "ok", "name": "x", "max_per_item": {"amount": "5", "currency": "USD"}})",
         "max_per_item.currency"},
        {R"({"code": "ok", "name": "x", "max_per_item": "0"})", "max_per_item"},
        {R"({"code": "ok", "name": "x", "max_per_item": 5})", "max_per_item"},
        {R"({"code": "ok", "name": "x", "receipt_required_over": "1.234"})",
         "receipt_required_over"},
    };
    for (const auto& test : cases) {
        auto fields = rejected_fields([&] { parse_new_category(object_of(test.body), "EUR"); });
        EXPECT_TRUE(names(fields, test.field)) << "body: " << test.body;
    }
}

TEST(CategoryPatch, DistinguishesAbsentFromNull) {
    const auto patch =
        parse_category_patch(object_of(R"({"max_per_item": null, "name": "Food"})"), "EUR");
    EXPECT_EQ(patch.name, "Food");
    ASSERT_TRUE(patch.max_per_item.has_value());
    EXPECT_FALSE(patch.max_per_item->has_value());
    EXPECT_FALSE(patch.receipt_required_over.has_value());
}

TEST(NoteInput, RequiredForRejectAndReturn) {
    auto fields = rejected_fields([] { parse_note(object_of("{}"), true); });
    EXPECT_TRUE(names(fields, "note"));
    fields = rejected_fields([] { parse_note(object_of(R"({"note": "   "})"), true); });
    EXPECT_TRUE(names(fields, "note"));
    EXPECT_FALSE(parse_note(object_of("{}"), false).has_value());
    EXPECT_EQ(parse_note(object_of(R"({"note": "fine"})"), false), "fine");
}

TEST(ClaimCursor, RoundTrips) {
    const ClaimCursor cursor{"2026-03-02T10:11:12.123456Z", "0b6f1d8e-1f1e-4c59-9a59-2f3e7b1c2d4a"};
    const auto decoded = decode_claim_cursor(encode_claim_cursor(cursor));
    EXPECT_EQ(decoded.created_key, cursor.created_key);
    EXPECT_EQ(decoded.id, cursor.id);
}

TEST(ClaimCursor, RejectsForgedCursors) {
    const std::string cases[] = {
        "not base64!",
        encode_claim_cursor({"2026-03-02T10:11:12.123456Z", "not-a-uuid"}),
        encode_claim_cursor(
            {"2026-03-02T25:11:12.123456Z", "0b6f1d8e-1f1e-4c59-9a59-2f3e7b1c2d4a"}),
        encode_claim_cursor(
            {"2026-02-30T10:11:12.123456Z", "0b6f1d8e-1f1e-4c59-9a59-2f3e7b1c2d4a"}),
        encode_claim_cursor({"'; DROP TABLE claims; --", "0b6f1d8e-1f1e-4c59-9a59-2f3e7b1c2d4a"}),
    };
    for (const auto& text : cases) {
        try {
            decode_claim_cursor(text);
            ADD_FAILURE() << "accepted: " << text;
        } catch (const core::ApiError& error) {
            EXPECT_EQ(error.kind(), core::ErrorKind::invalid);
            ASSERT_EQ(error.fields().size(), 1u);
            EXPECT_EQ(error.fields()[0].field, "cursor");
        }
    }
}

}  // namespace
}  // namespace kronos::expense::http
