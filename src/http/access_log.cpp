#include "http/access_log.hpp"

#include <spdlog/spdlog.h>

namespace rt::http {

std::string FormatAccessLine(const AccessRecord& record) {
    const double latency_ms = std::chrono::duration<double, std::milli>(record.latency).count();
    return fmt::format("event=http_request method={} path={} route={} status={} bytes={} latency_ms={:.3f}",
                       ToString(record.method), record.path.empty() ? "-" : record.path,
                       record.route.empty() ? "-" : record.route, record.status, record.body_bytes, latency_ms);
}

AccessObserver MakeAccessObserver(Metrics* metrics) {
    return [metrics](const AccessRecord& record) {
        if (metrics != nullptr) metrics->ObserveRequest(record.route, record.method, record.status, record.latency);
        spdlog::info(FormatAccessLine(record));
    };
}

}  // namespace rt::http
