#include "http/api_support.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

#include "core/text.hpp"
#include "core/user.hpp"
#include "http/problem.hpp"

namespace rt::http {

Response JsonResponse(int status, const nlohmann::json& body) { return JsonTextResponse(status, body.dump()); }

Response JsonTextResponse(int status, std::string body) {
    Response res;
    res.status = status;
    res.SetHeader("Content-Type", "application/json");
    res.body = std::move(body);
    return res;
}

tl::expected<nlohmann::json, Response> ReadJsonObject(const Request& request) {
    const auto type = request.HeaderValue("content-type");
    const std::string media = type ? core::ToLower(core::Trim(type->substr(0, type->find(';')))) : "";
    if (media != "application/json") {
        return tl::unexpected(Problem(415, "send the body as application/json"));
    }
    if (request.body.empty()) return tl::unexpected(Problem(400, "the request body is empty"));
    auto parsed = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) return tl::unexpected(Problem(400, "the request body is not valid JSON"));
    if (!parsed.is_object()) return tl::unexpected(Problem(400, "the request body must be a JSON object"));
    return parsed;
}

std::optional<std::string> QueryValue(const Request& request, std::string_view name) {
    for (auto& [k, v] : ParseQuery(request.query)) {
        if (k == name) return v;
    }
    return std::nullopt;
}

core::Result<core::PageRequest> ReadPage(const Request& request) {
    core::PageRequest page;
    if (auto limit = QueryValue(request, "limit")) {
        int value = 0;
        const auto [ptr, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
        if (ec != std::errc() || ptr != limit->data() + limit->size() || value < 1 ||
            value > core::PageRequest::kMaxLimit) {
            return core::Fail(core::Error::Invalid("limit", "must be an integer from 1 to 500"));
        }
        page.limit = value;
    }
    if (auto after = QueryValue(request, "starting_after")) page.starting_after = *after;
    return page;
}

Response ErrorResponseLogged(const core::Error& error, const Request& request) {
    return ErrorResponseLogged(error, request.method, request.path);
}

Response ErrorResponseLogged(const core::Error& error, Method method, std::string_view path) {
    if (error.code() == core::ErrorCode::kInternal || error.code() == core::ErrorCode::kUnavailable) {
        spdlog::error("event=request_failed method={} path={} code={} message=\"{}\"", ToString(method), path,
                      static_cast<int>(error.code()), error.message());
    }
    return ErrorResponse(error);
}

std::string SessionCookieName(bool secure) { return secure ? "__Host-rt_session" : "rt_session"; }

std::optional<std::string> FindCookie(const Request& request, std::string_view name) {
    for (const auto& header : request.headers) {
        if (header.name != "cookie") continue;
        std::string_view rest = header.value;
        while (!rest.empty()) {
            const auto end = rest.find(';');
            const std::string pair = core::Trim(rest.substr(0, end));
            rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
            const auto eq = pair.find('=');
            if (eq == std::string::npos || std::string_view(pair).substr(0, eq) != name) continue;
            std::string value = pair.substr(eq + 1);
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
                value = value.substr(1, value.size() - 2);
            return value;
        }
    }
    return std::nullopt;
}

core::Result<void> CheckCsrf(const Request& request, const core::Session& session) {
    if (request.method == Method::kGet || request.method == Method::kHead) return {};
    const auto sent = request.HeaderValue("x-csrf-token");
    if (sent && core::ConstantTimeEquals(*sent, session.csrf_token)) return {};
    return core::Fail(core::Error::Forbidden(
        "a request authenticated by the session cookie must send the session's csrf_token in X-CSRF-Token"));
}

std::optional<std::string> BearerToken(std::string_view authorization) {
    constexpr std::string_view kBearer = "bearer ";
    if (authorization.size() <= kBearer.size() || core::ToLower(authorization.substr(0, kBearer.size())) != kBearer) {
        return std::nullopt;
    }
    return core::Trim(authorization.substr(kBearer.size()));
}

BlockingHandler Authed(Authenticator auth, AuthedHandler handler) {
    return [auth = std::move(auth), handler = std::move(handler)](const Request& request, const PathParams& params) {
        if (const auto header = request.HeaderValue("authorization")) {
            const auto token = BearerToken(*header);
            if (!token) {
                return ErrorResponse(core::Error::Unauthenticated("send an API key as Authorization: Bearer <key>"));
            }
            auto principal = auth.keys->Authenticate(*token);
            if (!principal) return ErrorResponseLogged(principal.error(), request);
            return handler(request, params, *principal);
        }
        if (auth.sessions != nullptr) {
            if (const auto token = FindCookie(request, auth.cookie_name)) {
                auto current = auth.sessions->Authenticate(*token);
                if (!current) return ErrorResponseLogged(current.error(), request);
                if (auto ok = CheckCsrf(request, current->session); !ok) return ErrorResponse(ok.error());
                return handler(request, params, current->principal);
            }
        }
        return ErrorResponse(
            core::Error::Unauthenticated("send an API key as Authorization: Bearer <key>, or log in for a session"));
    };
}

}  // namespace rt::http
