#include "server.hpp"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "kronos/core/log.hpp"

namespace kronos::core {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kHeaderLimit = 16 * 1024;

class Session;

}  // namespace

struct HttpServer::State {
    ServerOptions options;
    const Dispatcher& dispatcher;
    asio::io_context io;
    asio::thread_pool workers;
    tcp::acceptor acceptor;
    std::atomic<bool> draining{false};
    std::atomic<std::size_t> in_flight{0};
    std::mutex sessions_mutex;
    std::set<std::shared_ptr<Session>> sessions;

    State(ServerOptions server_options, const Dispatcher& request_dispatcher)
        : options(std::move(server_options)),
          dispatcher(request_dispatcher),
          workers(options.worker_threads),
          acceptor(asio::make_strand(io)) {}
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket socket, HttpServer::State& state)
        : stream_(std::move(socket)), state_(state) {
        beast::error_code ignored;
        auto endpoint = stream_.socket().remote_endpoint(ignored);
        client_ = ignored ? std::string() : endpoint.address().to_string();
    }

    void start() {
        asio::dispatch(stream_.get_executor(),
                       [self = shared_from_this()] { self->read_header(); });
    }

    // Called when the server starts draining. An idle connection is closed now, and a busy one
    // finishes its request and sends the response with `Connection: close`.
    void drain() {
        asio::post(stream_.get_executor(), [self = shared_from_this()] {
            if (self->idle_) {
                beast::error_code ignored;
                self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
                self->stream_.close();
            }
        });
    }

  private:
    void read_header() {
        idle_ = true;
        parser_.emplace();
        parser_->header_limit(kHeaderLimit);
        // Beast checks Content-Length against the body limit while reading the header, so the
        // limit stays open until on_header() sets the route's own.
        parser_->body_limit(boost::none);
        stream_.expires_after(state_.options.keepalive_timeout);
        http::async_read_header(stream_, buffer_, *parser_,
                                [self = shared_from_this()](beast::error_code error, std::size_t) {
                                    self->on_header(error);
                                });
    }

    void on_header(beast::error_code error) {
        idle_ = false;
        if (error) {
            return close();
        }
        const auto& header = parser_->get();
        Request request = make_request(header);
        const auto limit =
            state_.dispatcher.body_limit(request.method, std::string(header.target()));
        auto length = parser_->content_length();
        if (length && *length > limit) {
            request.body.clear();
            auto response = state_.dispatcher.reject(
                request,
                ApiError(ErrorKind::too_large, "The body is larger than this route accepts (" +
                                                   std::to_string(limit) + " bytes)."));
            return write(std::move(response), false);
        }
        parser_->body_limit(limit);
        stream_.expires_after(state_.options.read_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code read_error, std::size_t) {
                             self->on_body(read_error);
                         });
    }

    void on_body(beast::error_code error) {
        if (error == http::error::body_limit) {
            Request request = make_request(parser_->get());
            auto response = state_.dispatcher.reject(
                request,
                ApiError(ErrorKind::too_large, "The body is larger than this route accepts."));
            return write(std::move(response), false);
        }
        if (error) {
            return close();
        }
        auto message = parser_->release();
        keep_alive_ = message.keep_alive();
        Request request = make_request(message);
        request.body = std::move(message.body());

        ++state_.in_flight;
        in_flight_ = true;
        asio::post(state_.workers,
                   [self = shared_from_this(), request = std::move(request)]() mutable {
                       Response response = self->state_.dispatcher.handle(request);
                       asio::post(self->stream_.get_executor(),
                                  [self, response = std::move(response)]() mutable {
                                      self->write(std::move(response), self->keep_alive_);
                                  });
                   });
    }

    template <class Header>
    Request make_request(const Header& header) const {
        Request request;
        request.method = std::string(header.method_string());
        request.target = std::string(header.target());
        request.client_address = client_;
        for (const auto& field : header) {
            std::string name(field.name_string());
            for (auto& c : name) {
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            request.headers.emplace_back(std::move(name), std::string(field.value()));
        }
        return request;
    }

    void write(Response response, bool keep_alive) {
        const bool keep = keep_alive && !state_.draining;
        auto message = std::make_shared<http::response<http::string_body>>();
        message->version(11);
        message->result(response.status);
        message->set(http::field::server, "kronos");
        if (!response.content_type.empty()) {
            message->set(http::field::content_type, response.content_type);
        }
        for (const auto& [name, value] : response.headers) {
            message->insert(name, value);
        }
        message->body() = std::move(response.body);
        message->keep_alive(keep);
        message->prepare_payload();

        stream_.expires_after(state_.options.write_timeout);
        http::async_write(
            stream_, *message,
            [self = shared_from_this(), message, keep](beast::error_code error, std::size_t) {
                self->on_write(error, keep);
            });
    }

    void on_write(beast::error_code error, bool keep) {
        if (in_flight_) {
            --state_.in_flight;
            in_flight_ = false;
        }
        if (error || !keep) {
            return close();
        }
        read_header();
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.close();
        std::lock_guard lock(state_.sessions_mutex);
        state_.sessions.erase(shared_from_this());
    }

    beast::tcp_stream stream_;
    HttpServer::State& state_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::string client_;
    bool keep_alive_ = false;
    bool idle_ = true;
    // Set while a request of this session is counted in State::in_flight; early rejections
    // (413) are never counted.
    bool in_flight_ = false;
};

void accept_next(HttpServer::State& state) {
    state.acceptor.async_accept(
        asio::make_strand(state.io), [&state](beast::error_code error, tcp::socket socket) {
            if (error) {
                if (error != asio::error::operation_aborted) {
                    log::warn("accept_failed", {{"error", error.message()}});
                    accept_next(state);
                }
                return;
            }
            auto session = std::make_shared<Session>(std::move(socket), state);
            {
                std::lock_guard lock(state.sessions_mutex);
                state.sessions.insert(session);
            }
            session->start();
            accept_next(state);
        });
}

}  // namespace

HttpServer::HttpServer(ServerOptions options, const Dispatcher& dispatcher)
    : state_(std::make_unique<State>(std::move(options), dispatcher)) {}

HttpServer::~HttpServer() = default;

void HttpServer::run() {
    auto& state = *state_;
    const auto address = asio::ip::make_address(state.options.address);
    tcp::endpoint endpoint(address, state.options.port);
    state.acceptor.open(endpoint.protocol());
    state.acceptor.set_option(asio::socket_base::reuse_address(true));
    state.acceptor.bind(endpoint);
    state.acceptor.listen(asio::socket_base::max_listen_connections);
    accept_next(state);
    log::info("listening", {{"address", state.options.address}, {"port", state.options.port}});

    asio::signal_set signals(state.io, SIGTERM, SIGINT);
    asio::steady_timer drain_timer(state.io);
    std::chrono::steady_clock::time_point deadline;

    std::function<void()> check_drained = [&] {
        if (state.in_flight == 0 || std::chrono::steady_clock::now() >= deadline) {
            log::info("drained", {{"in_flight", state.in_flight.load()}});
            state.io.stop();
            return;
        }
        drain_timer.expires_after(std::chrono::milliseconds(50));
        drain_timer.async_wait([&](beast::error_code) { check_drained(); });
    };

    signals.async_wait([&](beast::error_code error, int signal) {
        if (error) {
            return;
        }
        log::info("draining", {{"signal", signal}, {"in_flight", state.in_flight.load()}});
        state.draining = true;
        deadline = std::chrono::steady_clock::now() + state.options.drain_timeout;
        asio::post(state.acceptor.get_executor(), [&state] {
            beast::error_code ignored;
            state.acceptor.close(ignored);
        });
        std::vector<std::shared_ptr<Session>> sessions;
        {
            std::lock_guard lock(state.sessions_mutex);
            sessions.assign(state.sessions.begin(), state.sessions.end());
        }
        for (auto& session : sessions) {
            session->drain();
        }
        check_drained();
    });

    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < state.options.io_threads; ++i) {
        threads.emplace_back([&state] { state.io.run(); });
    }
    state.io.run();
    for (auto& thread : threads) {
        thread.join();
    }
    state.workers.join();
    {
        std::lock_guard lock(state.sessions_mutex);
        state.sessions.clear();
    }
}

}  // namespace kronos::core
