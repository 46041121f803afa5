#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

#include "app/key_service.hpp"
#include "app/principal.hpp"
#include "app/session_service.hpp"
#include "core/page.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

// What every API route shares: JSON in and out, authentication, pagination, error mapping.
namespace rt::http {

Response JsonResponse(int status, const nlohmann::json& body);
// `body` is JSON text already (JsonWriter).
Response JsonTextResponse(int status, std::string body);

// The body as a JSON object: 415 unless Content-Type is application/json; 400 for an empty body,
// invalid JSON, or anything but an object at the top level. The Response is the problem to send.
tl::expected<nlohmann::json, Response> ReadJsonObject(const Request& request);

// limit (1..500, default 50) and starting_after from the query; kInvalid for a bad limit.
core::Result<core::PageRequest> ReadPage(const Request& request);

// The first value of a query parameter, or nullopt.
std::optional<std::string> QueryValue(const Request& request, std::string_view name);

using AuthedHandler = std::function<Response(const Request&, const PathParams&, const app::Principal&)>;

// How the /api/v1 routes authenticate a request: an API key as a bearer token, else (when `sessions` is set)
// the session cookie of a logged-in user. A plain value of pointers, copied into each route's handler; the
// services outlive the router. Converts implicitly from a KeyService: bearer keys only (tests, tools).
struct Authenticator {
    Authenticator(app::KeyService& key_service) : keys(&key_service) {}
    Authenticator(app::KeyService& key_service, app::SessionService& session_service, std::string session_cookie)
        : keys(&key_service), sessions(&session_service), cookie_name(std::move(session_cookie)) {}

    app::KeyService* keys;
    app::SessionService* sessions = nullptr;
    std::string cookie_name;  // SessionCookieName(secure)
};

// The session cookie's name: "__Host-rt_session" when cookies are Secure (the public URL is https), else
// "rt_session".
std::string SessionCookieName(bool secure);

// The value of the first cookie named `name` in the request's Cookie headers; nullopt when none.
std::optional<std::string> FindCookie(const Request& request, std::string_view name);

// The API key of an `Authorization: Bearer <key>` header value, trimmed; nullopt for any other scheme.
std::optional<std::string> BearerToken(std::string_view authorization);

// Wraps a handler with authentication. An Authorization header wins: it must be a valid bearer API key, else
// 401 problem (with WWW-Authenticate). Without one, a valid session cookie authenticates as its user
// (app::CurrentSession::principal); a request so authenticated with a method other than GET and HEAD must
// carry the session's CSRF token in X-CSRF-Token, else 403 problem. No credentials, or a session that is
// unknown, expired or logged out: 401.
BlockingHandler Authed(Authenticator auth, AuthedHandler handler);

// kForbidden unless `request` (authenticated by `session`) is safe (GET, HEAD) or carries the session's CSRF
// token in X-CSRF-Token, compared in constant time.
core::Result<void> CheckCsrf(const Request& request, const core::Session& session);

// The problem response for an error; internal errors are logged with the route's path first.
Response ErrorResponseLogged(const core::Error& error, const Request& request);
// The same for an answer given once the request is gone (by a writer thread), naming its method and path.
Response ErrorResponseLogged(const core::Error& error, Method method, std::string_view path);

// The answer to a Result: the JSON of its value with `status`, or the problem for its error.
template <class T, class ToJsonFn>
Response Answer(const core::Result<T>& result, int status, ToJsonFn&& to_json, const Request& request) {
    if (!result) return ErrorResponseLogged(result.error(), request);
    return JsonResponse(status, to_json(*result));
}

}  // namespace rt::http
