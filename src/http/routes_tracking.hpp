#pragma once

#include "app/redirect_service.hpp"
#include "http/api_support.hpp"
#include "http/router.hpp"

namespace rt::http {

// What the tracking routes need; owned by the composition root.
struct TrackingContext {
    app::RedirectService& redirect;
    Authenticator keys;  // API keys, and session cookies when it has a SessionService
    // True when the public URL is https: the visitor cookie is then always Secure (a TLS proxy in front
    // of reftrack makes requests arrive as plain HTTP).
    bool secure_cookies = false;
};

// GET (and HEAD) /r/{code}: the redirect, an async route answered when the click is durable: 302 to the
// destination with rt_click appended, Cache-Control: no-store, and the rt_vid visitor cookie for the
// program's attribution window. An unknown or disabled code, or a destination the program no longer
// allows, gets a small HTML 404 page and no click; a full click queue 503 with Retry-After.
// POST /api/v1/track/click: a server-side click (admin or the program's ingest key), 201 once durable.
void AddTrackingRoutes(Router& router, TrackingContext& tracking);

}  // namespace rt::http
