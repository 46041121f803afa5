#include "support/http_client.hpp"

// <utility> before Asio: Boost 1.74's Asio relies on std::exchange without including it (g++ 12).
#include <algorithm>
#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>
#include <utility>

namespace rt::testing {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

using Clock = std::chrono::steady_clock;

struct OpResult {
    beast::error_code ec;
    std::size_t bytes = 0;
};

std::string Lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

beast::string_view BeastView(std::string_view s) { return {s.data(), s.size()}; }

// A connected socket whose operations run on a private io_context, each until done or a deadline.
class Connection {
  public:
    Connection(std::uint16_t port, std::chrono::milliseconds timeout) : timeout_(timeout), socket_(ioc_) {
        const tcp::endpoint endpoint(net::ip::make_address_v4("127.0.0.1"), port);
        const OpResult r =
            Run([&](auto done) { socket_.async_connect(endpoint, [done](auto ec) { done(ec, 0); }); }, timeout_);
        if (r.ec) throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + ": " + r.ec.message());
        port_ = port;
    }

    // Starts an operation with start(done) and runs it until it calls done(ec, bytes) or `wait`
    // passes; then the operation is cancelled and the result is net::error::timed_out.
    template <class Start>
    OpResult Run(Start start, std::chrono::milliseconds wait) {
        OpResult result;
        bool finished = false;
        start([&](beast::error_code ec, std::size_t n) {
            result = {ec, n};
            finished = true;
        });
        ioc_.restart();
        ioc_.run_for(wait);
        if (finished) return result;
        beast::error_code ignored;
        socket_.cancel(ignored);
        ioc_.restart();
        ioc_.run();
        return {net::error::timed_out, result.bytes};
    }

    void WriteAll(std::string_view bytes) {
        const OpResult r =
            Run([&](auto done) { net::async_write(socket_, net::buffer(bytes.data(), bytes.size()), done); }, timeout_);
        if (r.ec) throw std::runtime_error("write: " + r.ec.message());
    }

    void Shutdown() {
        beast::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }

    std::chrono::milliseconds timeout_;
    std::uint16_t port_ = 0;
    net::io_context ioc_;
    tcp::socket socket_;
    beast::flat_buffer buffer_;
};

TestResponse ToTestResponse(bhttp::response<bhttp::string_body>&& msg) {
    TestResponse out;
    out.status = static_cast<int>(msg.result_int());
    for (const auto& field : msg) {
        const auto name = field.name_string();
        const auto value = field.value();
        out.headers.emplace(Lower(std::string_view(name.data(), name.size())), std::string(value.data(), value.size()));
    }
    out.body = std::move(msg.body());
    return out;
}

}  // namespace

std::string TestResponse::Header(std::string_view name) const {
    auto it = headers.find(std::string(name));
    return it == headers.end() ? "" : it->second;
}

struct HttpClient::Impl : Connection {
    using Connection::Connection;
};

HttpClient::HttpClient(std::uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(port, timeout)) {}
HttpClient::~HttpClient() = default;

TestResponse HttpClient::Send(std::string_view method, std::string_view target, const TestHeaders& headers,
                              std::string_view body) {
    bhttp::request<bhttp::string_body> req;
    req.version(11);
    req.method_string(BeastView(method));
    req.target(BeastView(target));
    req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(impl_->port_));
    for (const auto& [name, value] : headers) req.set(BeastView(name), value);
    req.body() = std::string(body);
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") req.content_length(body.size());

    OpResult r = impl_->Run([&](auto done) { bhttp::async_write(impl_->socket_, req, done); }, impl_->timeout_);
    if (r.ec) throw std::runtime_error("writing the request: " + r.ec.message());

    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(boost::none);
    parser.header_limit(1024 * 1024);
    if (method == "HEAD") parser.skip(true);
    r = impl_->Run([&](auto done) { bhttp::async_read(impl_->socket_, impl_->buffer_, parser, done); },
                   impl_->timeout_);
    if (r.ec) throw std::runtime_error("reading the response: " + r.ec.message());
    return ToTestResponse(parser.release());
}

bool HttpClient::WaitForClose(std::chrono::milliseconds wait) {
    if (impl_->buffer_.size() > 0) throw std::runtime_error("the server sent bytes after the response");
    const OpResult r =
        impl_->Run([&](auto done) { impl_->socket_.async_read_some(impl_->buffer_.prepare(1024), done); }, wait);
    if (r.ec == net::error::timed_out) return false;
    if (r.ec) return true;
    throw std::runtime_error("the server sent bytes instead of closing");
}

void HttpClient::Close() { impl_->Shutdown(); }

TestResponse Fetch(std::uint16_t port, std::string_view method, std::string_view target, const TestHeaders& headers,
                   std::string_view body) {
    HttpClient client(port);
    return client.Send(method, target, headers, body);
}

struct RawConnection::Impl : Connection {
    using Connection::Connection;
    bool closed = false;
};

RawConnection::RawConnection(std::uint16_t port) : impl_(std::make_unique<Impl>(port, kDefaultTimeout)) {}
RawConnection::~RawConnection() = default;

void RawConnection::Write(std::string_view bytes) { impl_->WriteAll(bytes); }

std::string RawConnection::ReadUntilClose(std::chrono::milliseconds wait) {
    const auto deadline = Clock::now() + wait;
    std::string out;
    std::array<char, 4096> chunk;
    while (!impl_->closed) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) break;
        const OpResult r =
            impl_->Run([&](auto done) { impl_->socket_.async_read_some(net::buffer(chunk), done); }, left);
        out.append(chunk.data(), r.bytes);
        if (r.ec == net::error::timed_out) break;
        if (r.ec) impl_->closed = true;
    }
    return out;
}

bool RawConnection::closed() const { return impl_->closed; }

}  // namespace rt::testing
