#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <tl/expected.hpp>

#include "app/key_service.hpp"
#include "app/principal.hpp"
#include "core/page.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

// What every API route shares: JSON in and out, authentication, pagination, error mapping.
namespace rt::http {

Response JsonResponse(int status, const nlohmann::json& body);

// The body as a JSON object: 415 unless Content-Type is application/json; 400 for an empty body,
// invalid JSON, or anything but an object at the top level. The Response is the problem to send.
tl::expected<nlohmann::json, Response> ReadJsonObject(const Request& request);

// limit (1..500, default 50) and starting_after from the query; kInvalid for a bad limit.
core::Result<core::PageRequest> ReadPage(const Request& request);

// The first value of a query parameter, or nullopt.
std::optional<std::string> QueryValue(const Request& request, std::string_view name);

using AuthedHandler = std::function<Response(const Request&, const PathParams&, const app::Principal&)>;

// Wraps a handler with bearer-token authentication: 401 problem (with WWW-Authenticate) when the
// Authorization header is missing, not a Bearer token, or the key is unknown.
BlockingHandler Authed(app::KeyService& keys, AuthedHandler handler);

// The problem response for an error; internal errors are logged with the route's path first.
Response ErrorResponseLogged(const core::Error& error, const Request& request);

// The answer to a Result: the JSON of its value with `status`, or the problem for its error.
template <class T, class ToJsonFn>
Response Answer(const core::Result<T>& result, int status, ToJsonFn&& to_json, const Request& request) {
    if (!result) return ErrorResponseLogged(result.error(), request);
    return JsonResponse(status, to_json(*result));
}

}  // namespace rt::http
