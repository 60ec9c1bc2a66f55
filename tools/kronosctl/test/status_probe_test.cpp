#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "http_probe.hpp"
#include "process.hpp"

namespace kronosctl {
namespace {

TEST(LoopbackHost, AcceptsLoopbackForms) {
    EXPECT_TRUE(is_loopback_host("127.0.0.1"));
    EXPECT_TRUE(is_loopback_host("127.10.20.30"));
    EXPECT_TRUE(is_loopback_host("::1"));
    EXPECT_TRUE(is_loopback_host("::ffff:127.0.0.1"));
    EXPECT_TRUE(is_loopback_host("LOCALHOST"));
}

TEST(LoopbackHost, RejectsOtherHosts) {
    // Names under the reserved .invalid domain: the guard is tested without naming a real host.
    EXPECT_FALSE(is_loopback_host("gateway.invalid"));
    EXPECT_FALSE(is_loopback_host("localhost.invalid"));
    EXPECT_FALSE(is_loopback_host("127.0.0.1.invalid"));
    EXPECT_FALSE(is_loopback_host(""));
}

TEST(HttpProbe, RefusesNonLoopbackUrl) {
    const auto response = http_get("http://gateway.invalid/api/v1/auth/health");

    EXPECT_FALSE(response.received());
    EXPECT_NE(response.error.find("not a loopback address"), std::string::npos) << response.error;
}

TEST(HttpProbe, RejectsUserInfoAndOtherSchemes) {
    EXPECT_FALSE(http_get("http://user:pw@127.0.0.1/").received());
    EXPECT_FALSE(http_get("https://127.0.0.1/").received());
    EXPECT_FALSE(http_get("http://127.0.0.1:99999/").received());
}

TEST(HttpUrl, ParsesHostPortTarget) {
    std::string error;
    const auto url = parse_http_url("http://[::1]:8001/api/v1/auth/health?x=1", error);

    ASSERT_TRUE(url) << error;
    EXPECT_EQ(url->host, "::1");
    EXPECT_EQ(url->port, 8001);
    EXPECT_EQ(url->target, "/api/v1/auth/health?x=1");
}

// A one-shot server on a loopback port chosen by the kernel.
class OneResponseServer {
  public:
    explicit OneResponseServer(std::string response) : response_(std::move(response)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
        ::listen(fd_, 1);
        socklen_t length = sizeof address;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] {
            const int client = ::accept(fd_, nullptr, nullptr);
            char buffer[4096];
            [[maybe_unused]] auto got = ::read(client, buffer, sizeof buffer);
            [[maybe_unused]] auto sent = ::write(client, response_.data(), response_.size());
            ::close(client);
        });
    }
    ~OneResponseServer() {
        thread_.join();
        ::close(fd_);
    }
    unsigned short port() const { return port_; }

  private:
    std::string response_;
    int fd_ = -1;
    unsigned short port_ = 0;
    std::thread thread_;
};

TEST(HttpProbe, ReadsStatusAndBody) {
    OneResponseServer server(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 7\r\n\r\nno redisEXTRA");

    const auto response = http_get("http://127.0.0.1:" + std::to_string(server.port()) + "/ready");

    ASSERT_TRUE(response.received()) << response.error;
    EXPECT_EQ(response.status, 503);
    EXPECT_EQ(response.body, "no redi");
}

TEST(HttpProbe, DecodesChunkedBody) {
    OneResponseServer server(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");

    const auto response = http_get("http://localhost:" + std::to_string(server.port()) + "/");

    ASSERT_TRUE(response.received()) << response.error;
    EXPECT_EQ(response.body, "abcde");
}

TEST(HttpProbe, ConnectionRefusedReported) {
    int port = 0;
    {
        OneResponseServer server("HTTP/1.1 200 OK\r\n\r\n");
        port = server.port();
        http_get("http://127.0.0.1:" + std::to_string(port) + "/");
    }
    const auto response = http_get("http://127.0.0.1:" + std::to_string(port) + "/");

    EXPECT_FALSE(response.received());
    EXPECT_NE(response.error.find("refused"), std::string::npos) << response.error;
}

TEST(Process, CapturesOutputAndStatus) {
    const auto result = run_process({"sh", "-c", "echo out; echo err >&2; exit 3"});

    EXPECT_EQ(result.exit_code, 3);
    EXPECT_EQ(result.output, "out\n");
    EXPECT_EQ(result.error_output, "err\n");
}

TEST(Process, TimeoutStopsChild) {
    ProcessOptions options;
    options.timeout = std::chrono::milliseconds(200);
    const auto result = run_process({"sleep", "5"}, options);

    EXPECT_TRUE(result.timed_out);
    EXPECT_FALSE(result.succeeded());
}

TEST(Process, MissingProgramReported) {
    const auto result = run_process({"kronosctl-no-such-program"});

    EXPECT_NE(result.error.find("could not run kronosctl-no-such-program"), std::string::npos)
        << result.error;
}

TEST(Process, ArgumentsNotInterpretedByShell) {
    const auto result = run_process({"echo", "$(id) ; `id`"});

    EXPECT_EQ(result.output, "$(id) ; `id`\n");
}

}  // namespace
}  // namespace kronosctl
