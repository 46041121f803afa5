#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Blocking HTTP/1.1 clients for tests, talking to 127.0.0.1. Every operation has a deadline; a
// failure to connect, a timeout or an unparsable answer throws std::runtime_error (GoogleTest reports
// it as a failure of the test). Not thread-safe: one object per thread.
namespace rt::testing {

struct TestResponse {
    int status = 0;
    std::multimap<std::string, std::string> headers;  // names lower-case, in received order per name
    std::string body;

    // The first value of header `name` (lower-case); "" when absent.
    std::string Header(std::string_view name) const;
    bool HasHeader(std::string_view name) const { return headers.count(std::string(name)) > 0; }
};

using TestHeaders = std::vector<std::pair<std::string, std::string>>;

constexpr std::chrono::milliseconds kDefaultTimeout = std::chrono::seconds(10);

// One persistent (keep-alive) connection.
class HttpClient {
  public:
    // Connects to 127.0.0.1:port.
    explicit HttpClient(std::uint16_t port, std::chrono::milliseconds timeout = kDefaultTimeout);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Sends one request and reads its response (without a body for HEAD). Adds Host and, when there is
    // a body or the method is POST/PUT/PATCH, Content-Length; `headers` may override Host.
    TestResponse Send(std::string_view method, std::string_view target, const TestHeaders& headers = {},
                      std::string_view body = "");

    // True when the server closes the connection within `wait`; false when it stays open and silent.
    // Throws if the server sends anything.
    bool WaitForClose(std::chrono::milliseconds wait);

    // Closes this side of the connection (the client goes away).
    void Close();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// One request on a fresh connection.
TestResponse Fetch(std::uint16_t port, std::string_view method, std::string_view target,
                   const TestHeaders& headers = {}, std::string_view body = "");

// A raw TCP connection: arbitrary bytes out, whatever comes back in (malformed requests, timeouts).
class RawConnection {
  public:
    explicit RawConnection(std::uint16_t port);
    ~RawConnection();
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    // Writes all of `bytes`. Throws when the connection is gone.
    void Write(std::string_view bytes);
    // Everything received until the server closes the connection or `wait` elapses, whichever is first.
    std::string ReadUntilClose(std::chrono::milliseconds wait = kDefaultTimeout);
    // Whether a read has seen the server close the connection (end of stream or reset).
    bool closed() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace rt::testing
