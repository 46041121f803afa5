#include "http/access_log.hpp"

#include <spdlog/spdlog.h>

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
    const double latency_ms = std::chrono::duration<double, std::milli>(record.latency).count();
    return fmt::format("event=http_request method={} path={} route={} status={} bytes={} latency_ms={:.3f}",
                       ToString(record.method), LoggedPath(record), record.route.empty() ? "-" : record.route,
                       record.status, record.body_bytes, latency_ms);
}

AccessObserver MakeAccessObserver(Metrics* metrics) {
    return [metrics](const AccessRecord& record) {
        if (metrics != nullptr) metrics->ObserveRequest(record.route, record.method, record.status, record.latency);
        spdlog::info(FormatAccessLine(record));
    };
}

}  // namespace rt::http
