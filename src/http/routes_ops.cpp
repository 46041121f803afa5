#include "http/routes_ops.hpp"

#include <nlohmann/json.hpp>

#include "http/api_support.hpp"
#include "http/problem.hpp"

namespace rt::http {

extern const char kOpenApiDocument[];

namespace {

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
}

}  // namespace rt::http
