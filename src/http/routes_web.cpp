#include "http/routes_web.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "http/problem.hpp"

namespace rt::http {

namespace {

// The app loads its script, style and icon from this origin and talks to the API here; nothing inline,
// nothing from elsewhere, no framing.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";
constexpr std::string_view kShortLived = "public, max-age=3600";

// The route label (metrics, access log) of the fallback's answers.
constexpr std::string_view kFallbackRoute = "(web app)";

// Paths the fallback leaves alone, with everything under them: the API, the redirect and the operational
// endpoints.
constexpr std::array<std::string_view, 5> kReserved = {"/api", "/r", "/healthz", "/readyz", "/metrics"};

void SetSecurityHeaders(Response& res) {
    res.SetHeader("Content-Security-Policy", std::string(kContentSecurityPolicy));
    res.SetHeader("X-Content-Type-Options", "nosniff");
    res.SetHeader("Referrer-Policy", "same-origin");
}

// True when the comma-separated If-None-Match list names `etag` (or is "*").
bool Matches(std::string_view if_none_match, std::string_view etag) {
    while (!if_none_match.empty()) {
        const std::size_t comma = std::min(if_none_match.find(','), if_none_match.size());
        std::string_view candidate = if_none_match.substr(0, comma);
        while (!candidate.empty() && candidate.front() == ' ') candidate.remove_prefix(1);
        while (!candidate.empty() && candidate.back() == ' ') candidate.remove_suffix(1);
        if (candidate.starts_with("W/")) candidate.remove_prefix(2);
        if (candidate == "*" || candidate == etag) return true;
        if_none_match.remove_prefix(std::min(comma + 1, if_none_match.size()));
    }
    return false;
}

Response Serve(const WebAsset& asset, std::string_view cache_control, const Request& request) {
    Response res;
    SetSecurityHeaders(res);
    res.SetHeader("Cache-Control", std::string(cache_control));
    res.SetHeader("ETag", std::string(asset.etag));
    if (auto wanted = request.HeaderValue("if-none-match"); wanted && Matches(*wanted, asset.etag)) {
        res.status = 304;
        return res;
    }
    res.status = 200;
    res.SetHeader("Content-Type", std::string(asset.content_type));
    res.body = std::string(asset.body);
    return res;
}

const WebAsset& Index() {
    const WebAsset* index = FindWebAsset("index.html");
    // The embedding step refuses a build without index.html.
    return *index;
}

bool Reserved(std::string_view path) {
    return std::any_of(kReserved.begin(), kReserved.end(), [path](std::string_view reserved) {
        return path.starts_with(reserved) && (path.size() == reserved.size() || path[reserved.size()] == '/');
    });
}

// The fallback's answer to a GET of `path` that no route has.
Response Fallback(const Request& request) {
    const std::string_view path = request.path;
    if (path.starts_with("/assets/")) {
        Response missing = Problem(404, "no such file");
        SetSecurityHeaders(missing);
        return missing;
    }
    const WebAsset* file = path.size() > 1 ? FindWebAsset(path.substr(1)) : nullptr;
    if (file != nullptr && file->path != "index.html") return Serve(*file, kShortLived, request);
    return Serve(Index(), kRevalidate, request);
}

}  // namespace

const WebAsset* FindWebAsset(std::string_view path) {
    const auto assets = WebAssets();
    const auto it = std::lower_bound(assets.begin(), assets.end(), path,
                                     [](const WebAsset& a, std::string_view p) { return a.path < p; });
    return it != assets.end() && it->path == path ? &*it : nullptr;
}

void AddWebRoutes(Router& router) {
    router.Add(Method::kGet, "/",
               [](const Request& request, const PathParams&) { return Serve(Index(), kRevalidate, request); });
    router.Add(Method::kGet, "/assets/{file}", [](const Request& request, const PathParams& params) {
        const WebAsset* asset = FindWebAsset("assets/" + params.Get("file"));
        if (asset == nullptr) {
            Response missing = Problem(404, "no such file");
            SetSecurityHeaders(missing);
            return missing;
        }
        return Serve(*asset, kImmutable, request);
    });
}

Handler WithWebApp(const Router& router) {
    return [&router](Request request, Responder respond) {
        const bool eligible =
            (request.method == Method::kGet || request.method == Method::kHead) && !Reserved(request.path);
        if (!eligible) {
            router.Dispatch(std::move(request), std::move(respond));
            return;
        }
        Request kept = request;  // a GET: no body worth the copy
        router.Dispatch(std::move(request), [kept = std::move(kept), respond = std::move(respond)](Response res) {
            if (res.status == 404 && res.route.empty()) {
                res = Fallback(kept);
                res.route = std::string(kFallbackRoute);
            }
            respond(std::move(res));
        });
    };
}

}  // namespace rt::http
