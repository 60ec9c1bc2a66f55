#pragma once

// A small blocking HTTP/1.1 GET client for health probes. It only talks to loopback addresses
// (127.0.0.0/8, ::1, "localhost"), because kronosctl probes the stack on this machine and must
// never become a way to reach other hosts. No TLS: the probes use the gateway's HTTP port.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kronosctl {

struct HttpProbeOptions {
    std::chrono::milliseconds connect_timeout{std::chrono::seconds(2)};
    // Limit on the whole response, from the request being sent to the last byte read.
    std::chrono::milliseconds read_timeout{std::chrono::seconds(5)};
    std::vector<std::pair<std::string, std::string>> headers;
    // Bodies longer than this are cut; the status code is still reported.
    std::size_t max_body_bytes = 1 << 20;
};

struct HttpResponse {
    int status = 0;
    std::string body;
    // Empty when a response was received; otherwise what failed ("connection refused",
    // "timed out after 2000 ms connecting to 127.0.0.1:8001", "host ... is not loopback").
    std::string error;

    bool received() const { return error.empty(); }
};

struct HttpUrl {
    std::string host;  // without brackets for IPv6
    unsigned short port = 80;
    std::string target;  // path and query, starting with '/'
};

// Parses "http://host[:port][/path]". Returns nothing and sets ERROR for other schemes,
// user-info, bad ports or an empty host.
std::optional<HttpUrl> parse_http_url(std::string_view url, std::string& error);

// True for 127.0.0.0/8, ::1 (also written as ::ffff:127.x.y.z) and "localhost".
bool is_loopback_host(std::string_view host);

// GETs URL. Never throws: failures are reported in HttpResponse::error.
HttpResponse http_get(std::string_view url, const HttpProbeOptions& options = {});

}  // namespace kronosctl
