#pragma once

#include <functional>
#include <string>

#include "http/router.hpp"

namespace rt::http {

// What the unauthenticated operational routes report; the functions must not block.
struct OpsContext {
    std::function<bool()> ready;                // /readyz: 200 when true, else 503
    std::function<std::string()> metrics_text;  // /metrics: Prometheus text exposition
};

// GET /healthz, /readyz, /metrics and /api/openapi.json. (GET / is the web app: routes_web.hpp.)
void AddOpsRoutes(Router& router, OpsContext ops);

// The OpenAPI 3.1 document (docs/openapi.json, embedded at build time).
std::string_view OpenApiDocument();

}  // namespace rt::http
