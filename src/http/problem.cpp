#include "http/problem.hpp"

#include <nlohmann/json.hpp>

namespace rt::http {

namespace {

std::string_view TitleOf(int status) {
    switch (status) {
        case 400:
            return "Malformed request";
        case 401:
            return "Unauthenticated";
        case 403:
            return "Forbidden";
        case 404:
            return "Not found";
        case 405:
            return "Method not allowed";
        case 408:
            return "Request timeout";
        case 409:
            return "Conflict";
        case 413:
            return "Payload too large";
        case 415:
            return "Unsupported media type";
        case 422:
            return "Invalid values";
        case 429:
            return "Too many requests";
        case 431:
            return "Request header fields too large";
        case 500:
            return "Internal error";
        case 503:
            return "Service unavailable";
        default:
            return "Error";
    }
}

Response Build(int status, nlohmann::json body) {
    Response res;
    res.status = status;
    res.SetHeader("Content-Type", "application/problem+json");
    res.body = body.dump();
    return res;
}

}  // namespace

int StatusOf(core::ErrorCode code) {
    switch (code) {
        case core::ErrorCode::kMalformed:
            return 400;
        case core::ErrorCode::kUnauthenticated:
            return 401;
        case core::ErrorCode::kForbidden:
            return 403;
        case core::ErrorCode::kNotFound:
            return 404;
        case core::ErrorCode::kConflict:
            return 409;
        case core::ErrorCode::kInvalid:
            return 422;
        case core::ErrorCode::kUnavailable:
            return 503;
        case core::ErrorCode::kInternal:
            return 500;
    }
    return 500;
}

Response Problem(int status, std::string_view detail) {
    return Build(status, {{"type", "about:blank"}, {"title", TitleOf(status)}, {"status", status}, {"detail", detail}});
}

Response ErrorResponse(const core::Error& error) {
    const int status = StatusOf(error.code());
    if (error.code() == core::ErrorCode::kInternal) return Problem(status, "an internal error occurred");
    nlohmann::json body = {
        {"type", "about:blank"}, {"title", TitleOf(status)}, {"status", status}, {"detail", error.message()}};
    if (!error.fields().empty()) {
        auto& errors = body["errors"] = nlohmann::json::array();
        for (const auto& f : error.fields()) errors.push_back({{"field", f.field}, {"message", f.message}});
    }
    Response res = Build(status, std::move(body));
    if (error.code() == core::ErrorCode::kUnauthenticated) res.SetHeader("WWW-Authenticate", "Bearer");
    if (error.code() == core::ErrorCode::kUnavailable) res.SetHeader("Retry-After", "1");
    return res;
}

}  // namespace rt::http
