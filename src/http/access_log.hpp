#pragma once

#include <string>

#include "http/metrics.hpp"
#include "http/server.hpp"

namespace rt::http {

// The access-log line of one answered request, key=value:
// "event=http_request method=GET path=/r/abc route=/r/{code} status=302 bytes=0 latency_ms=0.412".
// Never headers (so never Authorization or Cookie), query string, body or the remote address; an empty path or
// route is written "-". A path carrying a secret token (a route with a {token} placeholder, the web UI's
// /invite/<token>) is written as its route, or as "/invite/-".
std::string FormatAccessLine(const AccessRecord& record);

// The server's standard observer: records the request in `metrics` (when not null) and logs
// FormatAccessLine at info level. `metrics` must outlive the server.
AccessObserver MakeAccessObserver(Metrics* metrics);

}  // namespace rt::http
