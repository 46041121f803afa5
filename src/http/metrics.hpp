#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace rt::http {

// The process's Prometheus registry: HTTP request counts and latencies, plus gauges and counters that
// other components register by name. Thread-safe. Recording into an existing series takes a shared
// lock and a few relaxed atomic adds, so the redirect path can record every request; only the first
// request of a new (route, method, status) takes the exclusive lock.
class Metrics {
  public:
    // Upper bounds, in seconds, of the http_request_duration_seconds buckets (plus +Inf).
    static constexpr std::array<double, 14> kDurationBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                                0.1,    0.25,  0.5,    1,     2.5,  5,     10};
    // The Content-Type of Render()'s output.
    static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

    Metrics();
    ~Metrics();
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    // Counts one answered request in http_requests_total{route,method,status} and its latency in
    // http_request_duration_seconds{route}. `route` is the pattern, never the raw path (label values
    // must stay few); "" (no route matched, a transport-level answer) is recorded as "unmatched".
    void ObserveRequest(std::string_view route, Method method, int status, std::chrono::steady_clock::duration latency);

    // Sets gauge `name` to `value`, registering it with `help` on first use. Precondition: `name` is a
    // valid Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), not one of the HTTP metrics, and not
    // already registered as another kind (counter, gauge, gauge function); a call that breaks it is
    // ignored (and asserts in debug builds).
    void SetGauge(std::string_view name, std::string_view help, double value);
    // Adds `delta` to counter `name`, registering it with `help` (at 0) on first use. Same precondition.
    void AddToCounter(std::string_view name, std::string_view help, std::uint64_t delta = 1);
    // Registers gauge `name` (or replaces its function) whose value `read` returns at each Render(),
    // e.g. a queue depth. `read` is called under the registry's lock: it must be fast, thread-safe and
    // must not call back into this registry. Same precondition on `name`.
    void SetGaugeFunction(std::string_view name, std::string_view help, std::function<double()> read);
    // Registers counter `name` (or replaces its function) whose value `read` returns at each Render(): a
    // count kept elsewhere that only grows, e.g. a writer's committed batches. Same contract as
    // SetGaugeFunction.
    void SetCounterFunction(std::string_view name, std::string_view help, std::function<std::uint64_t()> read);

    // Every metric in the Prometheus text exposition format 0.0.4, with HELP and TYPE lines: the HTTP
    // metrics first, then the others by name; series sorted by their labels.
    std::string Render() const;

  private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace rt::http
