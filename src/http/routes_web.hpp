#pragma once

#include <span>
#include <string_view>

#include "http/message.hpp"
#include "http/router.hpp"

namespace rt::http {

// One file of the built web app (web/, built into <build>/web/dist), compiled into the binary by
// cmake/web_embed.cmake.
struct WebAsset {
    std::string_view path;          // relative, without a leading '/': "index.html", "assets/index-BoWQkefU.js"
    std::string_view content_type;  // from the file's extension
    std::string_view etag;          // a quoted strong validator: the start of the content's SHA-256
    std::string_view body;
};

// Every embedded file, sorted by path; always holds "index.html". Defined in the generated web_assets.cpp.
std::span<const WebAsset> WebAssets();

// The embedded file at `path` (relative, as in WebAsset::path), or nullptr.
const WebAsset* FindWebAsset(std::string_view path);

// GET / (the app's index.html) and GET /assets/{file} (content-hashed names, cached for a year; an
// unknown name answers 404). Every answer carries the app's security headers: a Content-Security-Policy
// that allows this origin only (no inline script or style), X-Content-Type-Options: nosniff,
// Referrer-Policy: same-origin. An If-None-Match naming the file's ETag answers 304.
void AddWebRoutes(Router& router);

// The request handler of the server: `router`, and the web app's fallback for paths it does not have.
// A GET or HEAD the router answers "no such path" (404 with no route) is answered instead with the
// embedded file of that path (/favicon.svg), else with index.html (Cache-Control: no-cache), so that
// the app's own pages (/login, /invite/{token}, /dashboard/…, /portal/…) load it. Paths under /api/ and
// /r/, and /healthz, /readyz and /metrics, keep their 404: the app never shadows the API, the redirect
// or the operational endpoints. Other methods and every other answer pass through unchanged.
// `router` must outlive the handler.
Handler WithWebApp(const Router& router);

}  // namespace rt::http
