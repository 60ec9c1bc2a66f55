#include "kronos/core/json.hpp"

#include <gtest/gtest.h>

using namespace kronos::core;

namespace {

Request json_request(std::string body, std::string content_type = "application/json") {
    Request request;
    request.headers.emplace_back("content-type", std::move(content_type));
    request.body = std::move(body);
    return request;
}

ApiError error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const ApiError& error) {
        return error;
    }
    ADD_FAILURE() << "expected an ApiError";
    return ApiError::internal("none");
}

}  // namespace

TEST(JsonBody, MalformedJsonIs400) {
    auto error = error_of([] { parse_json_body(json_request("{\"a\": ")); });
    EXPECT_EQ(error.status(), 400u);
    EXPECT_EQ(error.type_slug(), "malformed-json");
}

TEST(JsonBody, MalformedJsonDetailNamesPosition) {
    auto error = error_of([] { parse_json_body(json_request("{\n  \"a\": tru }")); });
    EXPECT_NE(error.detail().find("line 2"), std::string::npos) << error.detail();
}

TEST(JsonBody, IncompleteJsonIs400) {
    auto error = error_of([] { parse_json_body(json_request("{\"email\":")); });
    EXPECT_EQ(error.status(), 400u);
    EXPECT_NE(error.detail().find("column 10"), std::string::npos) << error.detail();
}

TEST(JsonBody, TrailingDataIsRejected) {
    auto error = error_of([] { parse_json_body(json_request("{} {}")); });
    EXPECT_EQ(error.status(), 400u);
}

TEST(JsonBody, TrailingCommaIsRejected) {
    auto error = error_of([] { parse_json_body(json_request("{\"a\": 1,}")); });
    EXPECT_EQ(error.status(), 400u);
}

TEST(JsonBody, ArrayBodyIs400) {
    auto error = error_of([] { parse_json_body(json_request("[1]")); });
    EXPECT_EQ(error.status(), 400u);
}

TEST(JsonBody, WrongContentTypeIs415) {
    auto error = error_of([] { parse_json_body(json_request("{}", "text/plain")); });
    EXPECT_EQ(error.status(), 415u);
}

TEST(JsonBody, ContentTypeParametersAreIgnored) {
    auto object = parse_json_body(json_request("{\"a\": 1}", "Application/JSON; charset=utf-8"));
    EXPECT_TRUE(object.contains("a"));
}

TEST(Fields, MissingRequiredFieldIsNamed) {
    boost::json::object object{{"name", "Ann"}};
    Fields fields(object);
    fields.required_string("email");
    auto error = error_of([&] { fields.finish(); });
    EXPECT_EQ(error.status(), 422u);
    ASSERT_EQ(error.fields().size(), 1u);
    EXPECT_EQ(error.fields()[0].field, "email");
}

TEST(Fields, CollectsEveryError) {
    boost::json::object object{{"start_date", "2026-02-30"}, {"days", "x"}};
    Fields fields(object);
    fields.date("start_date", true);
    fields.integer("days", true, 0, 10);
    fields.required_string("type");
    auto error = error_of([&] { fields.finish(); });
    EXPECT_EQ(error.fields().size(), 3u);
}

TEST(Fields, UnknownMemberIsNamed) {
    boost::json::object object{{"title", "Trip"}, {"admin", true}};
    Fields fields(object);
    fields.only({"title"});
    auto error = error_of([&] { fields.finish(); });
    ASSERT_EQ(error.fields().size(), 1u);
    EXPECT_EQ(error.fields()[0].field, "admin");
}

TEST(Fields, StringIsTrimmedAndLengthCheckedInCharacters) {
    boost::json::object object{{"name", "  Zoë  "}};
    Fields fields(object);
    EXPECT_EQ(fields.required_string("name", {1, 3}), "Zoë");
    EXPECT_TRUE(fields.ok());
}

TEST(Fields, ChoiceRejectsOtherValues) {
    boost::json::object object{{"start_half", "am"}};
    Fields fields(object);
    fields.choice("start_half", false, {"full", "pm"});
    EXPECT_FALSE(fields.ok());
}

TEST(Uuid, AcceptsCanonicalAndRejectsOthers) {
    EXPECT_TRUE(is_uuid("123e4567-e89b-42d3-a456-426614174000"));
    EXPECT_FALSE(is_uuid("123e4567e89b42d3a456426614174000"));
    EXPECT_FALSE(is_uuid("' OR 1=1 --"));
}

TEST(Date, RejectsImpossibleDates) {
    EXPECT_FALSE(parse_date("2026-02-29"));
    EXPECT_TRUE(parse_date("2028-02-29"));
    EXPECT_FALSE(parse_date("2026-1-01"));
    EXPECT_EQ(format_date(*parse_date("2027-01-04")), "2027-01-04");
}
