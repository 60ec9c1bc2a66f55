#pragma once

// The HTTP/1.1 server (Boost.Beast) with keep-alive, read and write timeouts and a graceful
// drain. Each route's body limit is checked from the headers before the body is read. Handlers
// run on a bounded worker pool, so no event loop waits on PostgreSQL, Redis or password hashing.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "dispatcher.hpp"

namespace kronos::core {

struct ServerOptions {
    std::string address = "127.0.0.1";
    unsigned short port = 0;
    std::size_t io_threads = 1;
    std::size_t worker_threads = 8;
    std::chrono::seconds read_timeout{30};
    std::chrono::seconds write_timeout{30};
    std::chrono::seconds keepalive_timeout{75};
    std::chrono::seconds drain_timeout{10};
};

class HttpServer {
  public:
    HttpServer(ServerOptions options, const Dispatcher& dispatcher);
    ~HttpServer();

    // Binds, serves until SIGTERM or SIGINT, then stops accepting, closes idle connections,
    // lets in-flight requests finish (at most drain_timeout) and returns.
    void run();

    // Shared by the acceptor and the sessions; defined in server.cpp.
    struct State;

  private:
    std::unique_ptr<State> state_;
};

}  // namespace kronos::core
