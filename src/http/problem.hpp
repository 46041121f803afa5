#pragma once

#include <string_view>

#include "core/error.hpp"
#include "http/message.hpp"

namespace rt::http {

// An RFC 9457 application/problem+json response. `type` is derived from the status
// ("https://reftrack.dev/problems/<slug>" is not used: "about:blank" plus a stable title per status).
Response Problem(int status, std::string_view detail);

// The one mapping from a domain error to HTTP: kMalformed 400, kUnauthenticated 401, kForbidden 403,
// kNotFound 404, kConflict 409, kInvalid 422 (with `errors`), kUnavailable 503, kInternal 500.
// Internal errors answer a generic detail; the real message is for the log only.
Response ErrorResponse(const core::Error& error);

int StatusOf(core::ErrorCode code);

}  // namespace rt::http
