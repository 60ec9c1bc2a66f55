#include "kronos/core/router.hpp"

#include <gtest/gtest.h>

using kronos::core::Request;
using kronos::core::Response;
using kronos::core::Router;

namespace {

Response ok(Request&) {
    return Response::no_content();
}

}  // namespace

TEST(Router, MatchesPathParameters) {
    Router router;
    router.add("POST", "/api/v1/leave/requests/{id}/approve", ok);
    std::map<std::string, std::string> params;
    auto match = router.match("POST", "/api/v1/leave/requests/abc/approve", params);
    ASSERT_NE(match.route, nullptr);
    EXPECT_EQ(params.at("id"), "abc");
}

TEST(Router, UnknownPathHasNoRouteAndNoAllowedMethods) {
    Router router;
    router.add("GET", "/api/v1/leave/types", ok);
    std::map<std::string, std::string> params;
    auto match = router.match("GET", "/api/v1/leave/nothing", params);
    EXPECT_EQ(match.route, nullptr);
    EXPECT_TRUE(match.allowed_methods.empty());
}

TEST(Router, WrongMethodListsAllowedMethods) {
    Router router;
    router.add("GET", "/api/v1/leave/types", ok);
    router.add("POST", "/api/v1/leave/types", ok);
    std::map<std::string, std::string> params;
    auto match = router.match("DELETE", "/api/v1/leave/types", params);
    EXPECT_EQ(match.route, nullptr);
    EXPECT_EQ(match.allowed_methods, (std::vector<std::string>{"GET", "POST"}));
}

TEST(Router, HeadIsServedByGet) {
    Router router;
    router.add("GET", "/api/v1/auth/health", ok);
    std::map<std::string, std::string> params;
    EXPECT_NE(router.match("HEAD", "/api/v1/auth/health", params).route, nullptr);
}

TEST(Router, EmptyParameterSegmentDoesNotMatch) {
    Router router;
    router.add("GET", "/api/v1/auth/users/{id}", ok);
    std::map<std::string, std::string> params;
    EXPECT_EQ(router.match("GET", "/api/v1/auth/users/", params).route, nullptr);
}

TEST(Router, LiteralRouteRegisteredFirstWins) {
    Router router;
    router.add("POST", "/api/v1/auth/users/import", ok, {.max_body = 1});
    router.add("POST", "/api/v1/auth/users/{id}", ok, {.max_body = 2});
    std::map<std::string, std::string> params;
    auto match = router.match("POST", "/api/v1/auth/users/import", params);
    ASSERT_NE(match.route, nullptr);
    EXPECT_EQ(match.route->options.max_body, 1u);
}
