#include "http/routes_ops.hpp"

#include <nlohmann/json.hpp>

#include "http/api_support.hpp"
#include "http/problem.hpp"

namespace rt::http {

extern const char kOpenApiDocument[];

namespace {

constexpr std::string_view kIndexPage = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>reftrack</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>reftrack is running</h1>
<p>The HTTP API is at <code>/api/v1</code>; authenticate with <code>Authorization: Bearer &lt;api key&gt;</code>.</p>
<ul>
<li><a href="/api/openapi.json">OpenAPI document</a></li>
<li><a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a>, <a href="/metrics">/metrics</a></li>
</ul>
<p>The dashboard and partner portal are not part of this version yet.</p>
</body></html>
)";

Response Text(int status, std::string content_type, std::string body) {
    Response res;
    res.status = status;
    res.SetHeader("Content-Type", std::move(content_type));
    res.body = std::move(body);
    return res;
}

}  // namespace

std::string_view OpenApiDocument() { return kOpenApiDocument; }

void AddOpsRoutes(Router& router, OpsContext ops) {
    router.Add(Method::kGet, "/healthz", [](const Request&, const PathParams&) {
        return JsonResponse(200, {{"status", "ok"}});
    });
    router.Add(Method::kGet, "/readyz", [ready = ops.ready](const Request&, const PathParams&) {
        if (ready()) return JsonResponse(200, {{"status", "ready"}});
        Response res = Problem(503, "not ready: the database is unreachable or the server is shutting down");
        res.SetHeader("Retry-After", "1");
        return res;
    });
    router.Add(Method::kGet, "/metrics", [text = ops.metrics_text](const Request&, const PathParams&) {
        return Text(200, "text/plain; version=0.0.4; charset=utf-8", text());
    });
    router.Add(Method::kGet, "/api/openapi.json", [](const Request&, const PathParams&) {
        return Text(200, "application/json", std::string(OpenApiDocument()));
    });
    router.Add(Method::kGet, "/", [](const Request&, const PathParams&) {
        return Text(200, "text/html; charset=utf-8", std::string(kIndexPage));
    });
}

}  // namespace rt::http
