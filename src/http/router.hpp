#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.hpp"
#include "http/worker_pool.hpp"

namespace rt::http {

// Values of a route's {placeholders}, percent-decoded.
class PathParams {
  public:
    void Add(std::string name, std::string value) { values_.emplace_back(std::move(name), std::move(value)); }
    // The value of `name`; precondition: the route pattern has that placeholder.
    const std::string& Get(std::string_view name) const;

  private:
    std::vector<std::pair<std::string, std::string>> values_;
};

// A handler that may block (database, hashing); runs on the worker pool.
using BlockingHandler = std::function<Response(const Request&, const PathParams&)>;

// A handler that runs on the I/O thread and must not block: it answers through the Responder, now or
// later from any thread, exactly once (the redirect: it answers when the click's batch is durable).
using AsyncHandler = std::function<void(const Request&, const PathParams&, Responder)>;

// A blocking route's front on the I/O thread, for the requests it can answer without blocking (a conversion
// sent with a key already verified): returns true once it took the request (it answers through the
// Responder, now or later from any thread, exactly once), false to leave it to the route's BlockingHandler
// on the worker pool. Must not block.
using FastPath = std::function<bool(const Request&, const PathParams&, const Responder&)>;

struct RouteInfo {
    Method method;
    std::string pattern;  // "/api/v1/links/{id}", the same form as OpenAPI paths
};

// Matches requests to routes by method and path pattern and runs blocking routes on the worker pool (after
// their FastPath, if any, declined), async routes on the calling I/O thread. Unknown path → 404 problem; known path,
// other method → 405 with Allow; HEAD is served by the GET route; a full worker queue → 503 with Retry-After. Routes
// are added before serving starts; Dispatch is then thread-safe.
class Router {
  public:
    explicit Router(WorkerPool& pool) : pool_(pool) {}

    void Add(Method method, std::string pattern, BlockingHandler handler, FastPath fast = {});
    void AddAsync(Method method, std::string pattern, AsyncHandler handler);
    // Called on an I/O thread (http::Handler contract).
    void Dispatch(Request request, Responder respond) const;
    std::vector<RouteInfo> Routes() const;

  private:
    struct Route {
        RouteInfo info;
        std::vector<std::string> segments;
        BlockingHandler handler;  // exactly one of handler and async_handler is set
        AsyncHandler async_handler;
        FastPath fast;  // tried before handler, when set
    };
    static bool Match(const Route& route, const std::vector<std::string_view>& segments, PathParams& params);

    WorkerPool& pool_;
    std::vector<Route> routes_;
};

// Percent-decodes a path segment or query component ('+' means space only when `plus_is_space`).
// nullopt for a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// The query string as decoded name/value pairs, in order. Malformed escapes make the pair be skipped.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query);

}  // namespace rt::http
