#include "dispatcher.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

using namespace kronos::core;

namespace {

struct Fixture {
    Router router;
    Metrics metrics;
    Dispatcher dispatcher{"test", router, nullptr, metrics};

    Response send(std::string method, std::string target,
                  std::vector<std::pair<std::string, std::string>> headers = {}) {
        Request request;
        request.method = std::move(method);
        request.target = std::move(target);
        request.headers = std::move(headers);
        return dispatcher.handle(request);
    }
};

std::string header_of(const Response& response, const std::string& name) {
    for (const auto& [key, value] : response.headers) {
        if (key == name) {
            return value;
        }
    }
    return {};
}

}  // namespace

TEST(Dispatcher, UnknownPathIsProblem404WithRequestId) {
    Fixture f;
    auto response = f.send("GET", "/nothing");
    EXPECT_EQ(response.status, 404u);
    EXPECT_EQ(response.content_type, "application/problem+json");
    auto body = boost::json::parse(response.body).as_object();
    EXPECT_EQ(body.at("status").as_int64(), 404);
    EXPECT_EQ(body.at("request_id").as_string(), header_of(response, "X-Request-ID"));
}

TEST(Dispatcher, ClientRequestIdIsEchoed) {
    Fixture f;
    auto response = f.send("GET", "/nothing", {{"x-request-id", "abc-123"}});
    EXPECT_EQ(header_of(response, "X-Request-ID"), "abc-123");
}

TEST(Dispatcher, UnsafeRequestIdIsReplaced) {
    Fixture f;
    auto response = f.send("GET", "/nothing", {{"x-request-id", "bad\"id"}});
    EXPECT_NE(header_of(response, "X-Request-ID"), "bad\"id");
    EXPECT_EQ(header_of(response, "X-Request-ID").size(), 36u);
}

TEST(Dispatcher, WrongMethodIs405WithAllow) {
    Fixture f;
    f.router.add("GET", "/a", [](Request&) { return Response::no_content(); });
    auto response = f.send("DELETE", "/a");
    EXPECT_EQ(response.status, 405u);
    EXPECT_EQ(header_of(response, "Allow"), "GET");
}

TEST(Dispatcher, AuthenticatedRouteWithoutTokenIs401) {
    Fixture f;
    f.router.add("GET", "/a", [](Request&) { return Response::no_content(); });
    EXPECT_EQ(f.send("GET", "/a").status, 401u);
}

TEST(Dispatcher, HandlerExceptionIs500WithoutDetail) {
    Fixture f;
    f.router.add("GET", "/a", [](Request&) -> Response { throw std::runtime_error("secret"); },
                 {.authenticated = false});
    auto response = f.send("GET", "/a");
    EXPECT_EQ(response.status, 500u);
    EXPECT_EQ(response.body.find("secret"), std::string::npos);
}

TEST(Dispatcher, QueryIsDecoded) {
    Fixture f;
    std::string seen;
    f.router.add("GET", "/a",
                 [&](Request& request) {
                     seen = request.query_param("q").value_or("");
                     return Response::no_content();
                 },
                 {.authenticated = false});
    f.send("GET", "/a?q=O%27Brien+Ann");
    EXPECT_EQ(seen, "O'Brien Ann");
}

TEST(Dispatcher, BadPercentEscapeIs400) {
    Fixture f;
    EXPECT_EQ(f.send("GET", "/a%zz").status, 400u);
}

TEST(Dispatcher, DotDotSegmentIs404) {
    Fixture f;
    f.router.add("GET", "/a/{x}", [](Request&) { return Response::no_content(); },
                 {.authenticated = false});
    EXPECT_EQ(f.send("GET", "/a/..").status, 404u);
}

TEST(Dispatcher, BodyLimitComesFromRoute) {
    Fixture f;
    f.router.add("PUT", "/r/{id}", [](Request&) { return Response::no_content(); },
                 {.max_body = 10 * 1024 * 1024});
    EXPECT_EQ(f.dispatcher.body_limit("PUT", "/r/1"), 10u * 1024 * 1024);
    EXPECT_EQ(f.dispatcher.body_limit("PUT", "/other"), 64u * 1024);
}
