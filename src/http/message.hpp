#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Plain request/response values shared by the transport (server.cpp, the only Beast user) and the
// API layer. Nothing here includes Boost, so route code compiles fast.
namespace rt::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view ToString(Method m);

struct Header {
    std::string name;  // lower-case
    std::string value;
};

struct Request {
    Method method = Method::kGet;
    std::string target;  // as received: path and query
    std::string path;    // percent-decoding is left to the router
    std::string query;   // after '?', without it; "" when absent
    std::vector<Header> headers;
    std::string body;
    std::string remote_ip;  // for rate limits and hashing only; never logged or stored raw
    bool secure = false;    // served over TLS (or marked so by configuration)

    // The first header of this (case-insensitive) name.
    std::optional<std::string_view> HeaderValue(std::string_view name) const;
};

struct Response {
    int status = 200;
    std::vector<Header> headers;  // Content-Length and Connection are set by the transport
    std::string body;
    // The route pattern that answered ("/api/v1/links/{id}"), for metrics and the access log; never
    // sent. Empty for transport-level answers.
    std::string route;

    void SetHeader(std::string name, std::string value);
};

// Called exactly once, from any thread, with the answer to a request.
using Responder = std::function<void(Response)>;

// Called on an HTTP I/O thread for every request: must not block. Blocking work (the database) is
// handed to a worker pool, which calls the responder when done.
using Handler = std::function<void(Request, Responder)>;

}  // namespace rt::http
