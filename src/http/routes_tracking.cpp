#include "http/routes_tracking.hpp"

#include <future>
#include <string>

#include "core/text.hpp"
#include "http/api_support.hpp"
#include "http/json_fields.hpp"
#include "http/problem.hpp"

namespace rt::http {

namespace {

constexpr std::string_view kVisitorCookie = "rt_vid";
constexpr std::string_view kUtmPrefix = "utm_";

Response HtmlPage(int status, std::string_view title, std::string_view message) {
    Response res;
    res.status = status;
    res.SetHeader("Content-Type", "text/html; charset=utf-8");
    res.SetHeader("Cache-Control", "no-store");
    res.body = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + std::string(title) +
               "</title><meta name=\"robots\" content=\"noindex\"></head>\n<body><h1>" + std::string(title) +
               "</h1><p>" + std::string(message) + "</p></body></html>\n";
    return res;
}

// The value of cookie `name` in the Cookie header; "" when absent.
std::string CookieValue(const Request& request, std::string_view name) {
    const auto header = request.HeaderValue("cookie");
    if (!header) return {};
    std::string_view rest = *header;
    while (!rest.empty()) {
        const std::size_t semi = std::min(rest.find(';'), rest.size());
        const std::string pair = core::Trim(rest.substr(0, semi));
        if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=') {
            return pair.substr(name.size() + 1);
        }
        rest = semi < rest.size() ? rest.substr(semi + 1) : std::string_view();
    }
    return {};
}

// The utm_* parameters of the query; the first of each wins.
core::Utm UtmOf(const Request& request) {
    core::Utm utm;
    for (auto& [name, value] : ParseQuery(request.query)) {
        if (!name.starts_with(kUtmPrefix)) continue;
        const std::string_view key = std::string_view(name).substr(kUtmPrefix.size());
        std::string* slot = key == "source"     ? &utm.source
                            : key == "medium"   ? &utm.medium
                            : key == "campaign" ? &utm.campaign
                            : key == "term"     ? &utm.term
                            : key == "content"  ? &utm.content
                                                : nullptr;
        if (slot != nullptr && slot->empty()) *slot = std::move(value);
    }
    return utm;
}

app::RedirectRequest RedirectFacts(const Request& request, const PathParams& params) {
    return {.code = params.Get("code"),
            .head = request.method == Method::kHead,
            .user_agent = std::string(request.HeaderValue("user-agent").value_or("")),
            .referer = std::string(request.HeaderValue("referer").value_or("")),
            .remote_ip = request.remote_ip,
            .utm = UtmOf(request),
            .visitor_cookie = CookieValue(request, kVisitorCookie)};
}

Response RedirectResponse(const app::RedirectAnswer& answer, bool secure) {
    Response res;
    res.status = 302;
    res.SetHeader("Location", answer.location);
    res.SetHeader("Cache-Control", "no-store");
    std::string cookie = std::string(kVisitorCookie) + "=" + answer.click.visitor_id.str() +
                         "; Max-Age=" + std::to_string(answer.cookie_max_age_s) + "; Path=/; HttpOnly; SameSite=Lax";
    if (secure) cookie += "; Secure";
    res.SetHeader("Set-Cookie", std::move(cookie));
    return res;
}

Response RedirectFailure(const core::Error& error) {
    switch (error.code()) {
        case core::ErrorCode::kNotFound:
            return HtmlPage(404, "Link not found", "This link does not exist or is no longer active.");
        case core::ErrorCode::kUnavailable: {
            Response res = HtmlPage(503, "Busy", "Please try again in a moment.");
            res.SetHeader("Retry-After", "1");
            return res;
        }
        default:
            return HtmlPage(500, "Error", "Something went wrong. Please try again later.");
    }
}

core::Result<app::ServerClickRequest> ParseServerClick(const nlohmann::json& body) {
    JsonFields fields(body);
    fields.RejectUnknown({"code", "link_id", "visitor_id", "user_agent", "ip", "referrer", "utm_source", "utm_medium",
                          "utm_campaign", "utm_term", "utm_content", "occurred_at"});
    app::ServerClickRequest out{
        .code = fields.String("code"),
        .link_id = fields.String("link_id"),
        .visitor_id = fields.String("visitor_id"),
        .user_agent = fields.String("user_agent"),
        .ip = fields.String("ip"),
        .referrer = fields.String("referrer"),
        .utm = {fields.String("utm_source").value_or(""), fields.String("utm_medium").value_or(""),
                fields.String("utm_campaign").value_or(""), fields.String("utm_term").value_or(""),
                fields.String("utm_content").value_or("")},
        .occurred_at = fields.String("occurred_at")};
    if (auto ok = fields.errors().ToResult(); !ok) return core::Fail(ok.error());
    return out;
}

nlohmann::json ClickJson(const core::Click& c) {
    return {{"object", "click"},
            {"id", c.id.str()},
            {"program_id", c.program_id.str()},
            {"partner_id", c.partner_id.str()},
            {"link_id", c.link_id.str()},
            {"visitor_id", c.visitor_id.str()},
            {"occurred_at", core::FormatRfc3339(c.at)},
            {"device", core::ToString(c.device)},
            {"bot", c.bot},
            {"unique", c.unique}};
}

// Waits (on this worker thread) for the click's batch to commit.
core::Result<core::Click> RecordAndWait(app::RedirectService& redirect, const app::Principal& who,
                                        const app::ServerClickRequest& request) {
    auto answer = std::make_shared<std::promise<core::Result<core::Click>>>();
    auto future = answer->get_future();
    redirect.RecordServerClick(who, request,
                               [answer](core::Result<core::Click> click) { answer->set_value(std::move(click)); });
    return future.get();
}

}  // namespace

void AddTrackingRoutes(Router& router, TrackingContext& tracking) {
    router.AddAsync(
        Method::kGet, "/r/{code}", [&tracking](const Request& req, const PathParams& params, Responder respond) {
            const bool secure = req.secure || tracking.secure_cookies;
            tracking.redirect.Redirect(RedirectFacts(req, params), [respond = std::move(respond),
                                                                    secure](core::Result<app::RedirectAnswer> answer) {
                respond(answer ? RedirectResponse(*answer, secure) : RedirectFailure(answer.error()));
            });
        });
    router.Add(Method::kPost, "/api/v1/track/click",
               Authed(tracking.keys, [&tracking](const Request& req, const PathParams&, const app::Principal& who) {
                   auto body = ReadJsonObject(req);
                   if (!body) return body.error();
                   auto request = ParseServerClick(*body);
                   if (!request) return ErrorResponseLogged(request.error(), req);
                   auto click = RecordAndWait(tracking.redirect, who, *request);
                   Response res = Answer(click, 201, ClickJson, req);
                   if (res.status == 503) res.SetHeader("Retry-After", "1");
                   return res;
               }));
}

}  // namespace rt::http
