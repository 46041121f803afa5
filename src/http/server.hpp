#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "http/message.hpp"

// The HTTP/1.1 transport. Boost.Beast/Asio stay inside server.cpp.
namespace rt::http {

struct ServerOptions {
    // Address to listen on (an IP literal or a resolvable name). Default "127.0.0.1": reachable from
    // this machine only; "0.0.0.0" or "::" exposes the server, usually behind a TLS proxy.
    std::string host = "127.0.0.1";
    // TCP port. Default 8080; 0 picks any free port (read it back with Server::port()), for tests.
    std::uint16_t port = 8080;
    // Threads running the I/O loop. Default 1: handlers never block, so one thread serves tens of
    // thousands of requests per second; more threads help only when TLS or parsing is the bottleneck.
    std::size_t io_threads = 1;
    // Largest request body accepted; a larger one is answered 413 and the connection closed. Default
    // 1 MiB: ample for JSON and CSV imports, small enough that a flood of uploads cannot exhaust memory.
    std::size_t body_limit_bytes = 1024 * 1024;
    // Largest request head (request line and headers); a larger one is answered 431. Default 16 KiB:
    // fits big cookies and bearer tokens; larger heads are almost always abuse.
    std::size_t header_limit_bytes = 16 * 1024;
    // Time to receive a whole request head once its first byte arrived, and the time a fresh
    // connection may stay silent. Default 10 s; shorter sheds slow-loris clients sooner, longer helps
    // clients on very slow links. On expiry the connection is closed without an answer.
    std::chrono::milliseconds header_timeout = std::chrono::seconds(10);
    // Time to receive a request body after its head, and to write a response. Default 30 s: a 1 MiB
    // upload over a slow mobile link; on expiry the connection is closed.
    std::chrono::milliseconds body_timeout = std::chrono::seconds(30);
    // How long a keep-alive connection may wait for its next request. Default 60 s: reuse saves a TCP
    // (and TLS) handshake per request; every idle connection costs a file descriptor and ~1 KiB.
    std::chrono::milliseconds idle_timeout = std::chrono::seconds(60);
    // After Stop(), how long in-flight requests may take before every connection is force-closed.
    // Default 10 s: longer than any sane request; shorter than a supervisor's kill timeout.
    std::chrono::milliseconds shutdown_grace = std::chrono::seconds(10);
    // Default true: SIGINT and SIGTERM start a graceful Stop(), and a second one during the stop ends
    // the process at once (the default disposition is restored). Tests and embedders that own signal
    // handling set false.
    bool handle_signals = true;
    // Connections open at once; one more is accepted and closed at once. Default 10000: below the
    // usual 65536 descriptor limit, leaving room for the database and outbound HTTP.
    std::size_t max_connections = 10000;
};

// One answered request, reported after its response was written.
struct AccessRecord {
    Method method = Method::kGet;
    std::string_view path;   // without the query string
    std::string_view route;  // the pattern that answered; "" for transport-level answers (400, 413, 431)
    int status = 0;
    std::size_t body_bytes = 0;                     // response body bytes sent (0 for HEAD)
    std::chrono::steady_clock::duration latency{};  // first byte of the request to last byte of the response
};

// Called on an I/O thread after each response is written: must not block. Not called for requests
// whose response could not be written (the client went away, a timeout).
using AccessObserver = std::function<void(const AccessRecord&)>;

// An HTTP/1.1 server: keep-alive, HEAD, body/head size limits, per-phase timeouts and a graceful
// stop. Calls `handler` on an I/O thread for every well-formed request; the transport sets
// Content-Length and Connection, answers HEAD with the GET response's headers and no body, and
// answers protocol errors itself (400 malformed, 413 body too large, 431 head too large, all
// application/problem+json, then closes the connection).
//
// Lifecycle: construct, Start(), Run() on one thread (it blocks), Stop() from any thread. Destroy only
// after Run() returned, or when it was never called. A Responder called after the Server was
// destroyed, or after its connection closed, does nothing. A Responder destroyed without being
// called answers 500. Answers given on a thread inside a core::Burst are handed to the I/O threads
// together when the burst ends (a writer answering a commit's requests wakes the I/O thread once).
class Server {
  public:
    Server(ServerOptions options, Handler handler, AccessObserver observer = {});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and listens. On failure: kUnavailable with a one-line message (address in use, permission
    // denied) or kInvalid when the host does not resolve. Call once, before Run().
    core::Result<void> Start();

    // The bound port (useful with options.port == 0); 0 before a successful Start().
    std::uint16_t port() const;

    // Serves on the calling thread plus io_threads - 1 more, until a Stop() completes: no new
    // connections, every in-flight request answered (with Connection: close) or shutdown_grace
    // elapsed, idle connections closed. Precondition: Start() succeeded. Call once.
    void Run();

    // Starts a graceful stop. Thread-safe, idempotent, does not wait; may be called before Run().
    void Stop();

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace rt::http
