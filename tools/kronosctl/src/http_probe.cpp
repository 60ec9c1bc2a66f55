#include "http_probe.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace kronosctl {
namespace {

using Clock = std::chrono::steady_clock;

std::string lower(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

class Socket {
  public:
    explicit Socket(int fd) : fd_(fd) {}
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    ~Socket() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    int get() const { return fd_; }

  private:
    int fd_;
};

int remaining_ms(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

// Loopback address of HOST as a socket address (no DNS: "localhost" is 127.0.0.1).
bool loopback_address(const std::string& host, unsigned short port, sockaddr_storage& address,
                      socklen_t& length) {
    std::memset(&address, 0, sizeof address);
    const std::string numeric = lower(host) == "localhost" ? "127.0.0.1" : host;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
    if (::inet_pton(AF_INET, numeric.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        length = sizeof(sockaddr_in);
        return true;
    }
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
    if (::inet_pton(AF_INET6, numeric.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        length = sizeof(sockaddr_in6);
        return true;
    }
    return false;
}

// Decodes a chunked body; returns false when the encoding is malformed or cut short.
bool decode_chunked(std::string_view body, std::string& decoded) {
    decoded.clear();
    while (true) {
        const auto line_end = body.find("\r\n");
        if (line_end == std::string_view::npos) {
            return false;
        }
        std::size_t size = 0;
        const auto size_text = body.substr(0, line_end);
        const auto [end, code] =
            std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
        if (code != std::errc() || end == size_text.data()) {
            return false;
        }
        body.remove_prefix(line_end + 2);
        if (size == 0) {
            return true;
        }
        if (body.size() < size + 2) {
            return false;
        }
        decoded.append(body.substr(0, size));
        body.remove_prefix(size + 2);
    }
}

}  // namespace

bool is_loopback_host(std::string_view host) {
    const auto name = lower(host);
    if (name == "localhost") {
        return true;
    }
    in_addr v4{};
    if (::inet_pton(AF_INET, name.c_str(), &v4) == 1) {
        return (ntohl(v4.s_addr) >> 24) == 127;
    }
    in6_addr v6{};
    if (::inet_pton(AF_INET6, name.c_str(), &v6) == 1) {
        if (IN6_IS_ADDR_LOOPBACK(&v6)) {
            return true;
        }
        return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
    }
    return false;
}

std::optional<HttpUrl> parse_http_url(std::string_view url, std::string& error) {
    constexpr std::string_view scheme = "http://";
    if (lower(url.substr(0, scheme.size())) != scheme) {
        error = "unsupported URL '" + std::string(url) + "': only http:// is probed";
        return std::nullopt;
    }
    url.remove_prefix(scheme.size());
    const auto slash = url.find_first_of("/?#");
    auto authority = url.substr(0, slash);
    HttpUrl result;
    result.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
    if (!result.target.empty() && result.target.front() != '/') {
        result.target.insert(result.target.begin(), '/');
    }
    if (const auto hash = result.target.find('#'); hash != std::string::npos) {
        result.target.resize(hash);
    }
    if (authority.find('@') != std::string_view::npos) {
        error = "URL must not contain user information";
        return std::nullopt;
    }

    std::string_view port_text;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            error = "invalid IPv6 address in URL";
            return std::nullopt;
        }
        result.host = std::string(authority.substr(1, close - 1));
        const auto rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                error = "invalid characters after the IPv6 address in URL";
                return std::nullopt;
            }
            port_text = rest.substr(1);
        }
    } else {
        const auto colon = authority.rfind(':');
        result.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port_text = authority.substr(colon + 1);
        }
    }
    if (result.host.empty()) {
        error = "URL has no host";
        return std::nullopt;
    }
    if (!port_text.empty()) {
        unsigned int port = 0;
        const auto [end, code] =
            std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (code != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
            port > 65535) {
            error = "invalid port '" + std::string(port_text) + "' in URL";
            return std::nullopt;
        }
        result.port = static_cast<unsigned short>(port);
    }
    return result;
}

HttpResponse http_get(std::string_view url, const HttpProbeOptions& options) {
    HttpResponse response;
    auto parsed = parse_http_url(url, response.error);
    if (!parsed) {
        return response;
    }
    if (!is_loopback_host(parsed->host)) {
        response.error =
            "host '" + parsed->host +
            "' is not a loopback address; kronosctl only probes 127.0.0.0/8, ::1 and localhost";
        return response;
    }
    sockaddr_storage address{};
    socklen_t address_length = 0;
    if (!loopback_address(parsed->host, parsed->port, address, address_length)) {
        response.error = "cannot resolve '" + parsed->host + "' without DNS";
        return response;
    }
    const std::string endpoint = parsed->host + ":" + std::to_string(parsed->port);

    Socket socket(::socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (socket.get() < 0) {
        response.error = std::string("socket failed: ") + std::strerror(errno);
        return response;
    }

    const auto connect_deadline = Clock::now() + options.connect_timeout;
    if (::connect(socket.get(), reinterpret_cast<sockaddr*>(&address), address_length) != 0) {
        if (errno != EINPROGRESS) {
            response.error = std::string(std::strerror(errno)) + " connecting to " + endpoint;
            return response;
        }
        pollfd poll_fd{socket.get(), POLLOUT, 0};
        const int ready = ::poll(&poll_fd, 1, remaining_ms(connect_deadline));
        if (ready == 0) {
            response.error = "timed out after " + std::to_string(options.connect_timeout.count()) +
                             " ms connecting to " + endpoint;
            return response;
        }
        int socket_error = 0;
        socklen_t error_length = sizeof socket_error;
        ::getsockopt(socket.get(), SOL_SOCKET, SO_ERROR, &socket_error, &error_length);
        if (ready < 0 || socket_error != 0) {
            response.error = std::string(std::strerror(ready < 0 ? errno : socket_error)) +
                             " connecting to " + endpoint;
            return response;
        }
    }

    std::string host_header =
        parsed->host.find(':') != std::string::npos ? "[" + parsed->host + "]" : parsed->host;
    std::string request = "GET " + parsed->target + " HTTP/1.1\r\nHost: " + host_header + ":" +
                          std::to_string(parsed->port) +
                          "\r\nUser-Agent: kronosctl\r\nAccept: */*\r\nConnection: close\r\n";
    for (const auto& [name, value] : options.headers) {
        if (name.find_first_of("\r\n:") != std::string::npos ||
            value.find_first_of("\r\n") != std::string::npos) {
            response.error = "invalid header '" + name + "'";
            return response;
        }
        request += name + ": " + value + "\r\n";
    }
    request += "\r\n";

    const auto read_deadline = Clock::now() + options.read_timeout;
    std::string_view pending(request);
    while (!pending.empty()) {
        pollfd poll_fd{socket.get(), POLLOUT, 0};
        if (::poll(&poll_fd, 1, remaining_ms(read_deadline)) <= 0) {
            response.error = "timed out sending the request to " + endpoint;
            return response;
        }
        const ssize_t sent = ::send(socket.get(), pending.data(), pending.size(), MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                continue;
            }
            response.error = std::string(std::strerror(errno)) + " sending to " + endpoint;
            return response;
        }
        pending.remove_prefix(static_cast<std::size_t>(sent));
    }

    // Connection: close lets the end of the stream mark the end of the response, except when
    // Content-Length says so first.
    std::string raw;
    std::optional<std::size_t> header_end;
    std::optional<std::size_t> content_length;
    bool chunked = false;
    std::array<char, 16384> buffer{};
    const std::size_t limit = options.max_body_bytes + 65536;
    while (true) {
        if (header_end && content_length && raw.size() >= *header_end + *content_length) {
            break;
        }
        if (raw.size() >= limit) {
            break;
        }
        pollfd poll_fd{socket.get(), POLLIN, 0};
        const int ready = ::poll(&poll_fd, 1, remaining_ms(read_deadline));
        if (ready == 0) {
            response.error = "timed out after " + std::to_string(options.read_timeout.count()) +
                             " ms waiting for the response from " + endpoint;
            return response;
        }
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            response.error = std::string(std::strerror(errno)) + " reading from " + endpoint;
            return response;
        }
        const ssize_t count = ::recv(socket.get(), buffer.data(), buffer.size(), 0);
        if (count == 0) {
            break;
        }
        if (count < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                continue;
            }
            response.error = std::string(std::strerror(errno)) + " reading from " + endpoint;
            return response;
        }
        raw.append(buffer.data(), static_cast<std::size_t>(count));

        if (!header_end) {
            const auto end = raw.find("\r\n\r\n");
            if (end == std::string::npos) {
                continue;
            }
            header_end = end + 4;
            const auto headers = lower(std::string_view(raw).substr(0, end));
            std::size_t line_start = headers.find("\r\n");
            while (line_start != std::string::npos) {
                line_start += 2;
                const auto line_end = headers.find("\r\n", line_start);
                const auto line =
                    std::string_view(headers).substr(line_start, line_end - line_start);
                if (line.starts_with("content-length:")) {
                    std::size_t length = 0;
                    auto value = line.substr(15);
                    while (!value.empty() && value.front() == ' ') {
                        value.remove_prefix(1);
                    }
                    if (std::from_chars(value.data(), value.data() + value.size(), length).ec ==
                        std::errc()) {
                        content_length = length;
                    }
                } else if (line.starts_with("transfer-encoding:") &&
                           line.find("chunked") != std::string_view::npos) {
                    chunked = true;
                }
                line_start = line_end;
            }
        }
    }

    if (!header_end) {
        response.error = raw.empty() ? "connection closed by " + endpoint + " without a response"
                                     : "incomplete response headers from " + endpoint;
        return response;
    }
    // Status line: HTTP/1.x NNN reason
    const auto first_space = raw.find(' ');
    int status = 0;
    if (first_space == std::string::npos || !raw.starts_with("HTTP/") ||
        std::from_chars(raw.data() + first_space + 1,
                        raw.data() + std::min(raw.size(), first_space + 4), status)
                .ec != std::errc()) {
        response.error = "invalid status line from " + endpoint;
        return response;
    }
    response.status = status;

    std::string body = raw.substr(*header_end);
    if (chunked) {
        std::string decoded;
        if (decode_chunked(body, decoded)) {
            body = std::move(decoded);
        }
    } else if (content_length && body.size() > *content_length) {
        body.resize(*content_length);
    }
    if (body.size() > options.max_body_bytes) {
        body.resize(options.max_body_bytes);
    }
    response.body = std::move(body);
    return response;
}

}  // namespace kronosctl
