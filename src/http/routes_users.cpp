#include "http/routes_users.hpp"

#include "http/json_codec.hpp"
#include "http/json_fields.hpp"
#include "http/problem.hpp"

namespace rt::http {

namespace {

nlohmann::json SessionJson(const app::CurrentSession& current, std::int64_t idle_ms) {
    return {{"user", UserJson(current.user)},
            {"csrf_token", current.session.csrf_token},
            {"expires_at", core::FormatRfc3339(core::SessionEnd(current.session, idle_ms))}};
}

std::string CookieAttributes(bool secure) {
    return std::string("; HttpOnly; SameSite=Lax; Path=/") + (secure ? "; Secure" : "");
}

// The session's answer: its JSON, never cached; with the new cookie when `token` is given.
Response SessionResponse(const UsersContext& ctx, const app::CurrentSession& current, const std::string* token) {
    Response res = JsonResponse(200, SessionJson(current, ctx.sessions.idle_ms()));
    res.SetHeader("Cache-Control", "no-store");
    if (token != nullptr) {
        res.SetHeader("Set-Cookie", ctx.auth.cookie_name + "=" + *token + CookieAttributes(ctx.secure_cookies));
    }
    return res;
}

void ClearCookie(const UsersContext& ctx, Response& res) {
    res.SetHeader("Set-Cookie", ctx.auth.cookie_name + "=" + CookieAttributes(ctx.secure_cookies) + "; Max-Age=0");
}

// The string members `names` of the body, each required; kInvalid naming every bad, missing or unknown member.
core::Result<std::vector<std::string>> RequiredStrings(const nlohmann::json& body,
                                                       std::initializer_list<std::string_view> names) {
    JsonFields fields(body);
    fields.RejectUnknown(names);
    std::vector<std::string> out;
    for (auto name : names) {
        auto value = fields.String(name);
        if (!value && !body.contains(name)) fields.errors().Add(std::string(name), "is required");
        out.push_back(value.value_or(""));
    }
    if (auto r = fields.errors().ToResult(); !r) return core::Fail(r.error());
    return out;
}

core::Result<core::UserFields> ParseUserFields(const nlohmann::json& body) {
    JsonFields fields(body);
    fields.RejectUnknown({"email", "role", "partner_id"});
    core::UserFields out;
    out.email = fields.String("email");
    out.role = fields.String("role");
    out.partner_id = fields.String("partner_id", /*null_clears=*/true);
    if (out.partner_id && out.partner_id->empty()) out.partner_id.reset();  // null: no partner
    if (auto r = fields.errors().ToResult(); !r) return core::Fail(r.error());
    return out;
}

Response LogIn(UsersContext& ctx, const Request& req) {
    auto body = ReadJsonObject(req);
    if (!body) return body.error();
    auto fields = RequiredStrings(*body, {"email", "password"});
    if (!fields) return ErrorResponseLogged(fields.error(), req);
    auto outcome = ctx.sessions.Login((*fields)[0], (*fields)[1], req.remote_ip);
    if (!outcome) return ErrorResponseLogged(outcome.error(), req);
    if (!outcome->started) {
        const std::int64_t seconds = (outcome->retry_after_ms + 999) / 1000;
        Response res = Problem(429, "too many failed logins for this email or from this address; try again in " +
                                        std::to_string(seconds) + " seconds");
        res.SetHeader("Retry-After", std::to_string(seconds));
        return res;
    }
    return SessionResponse(ctx, outcome->started->current, &outcome->started->token);
}

Response ShowSession(UsersContext& ctx, const Request& req) {
    const auto token = FindCookie(req, ctx.auth.cookie_name);
    if (!token) return ErrorResponse(core::Error::Unauthenticated("not logged in"));
    auto current = ctx.sessions.Authenticate(*token);
    if (!current) return ErrorResponseLogged(current.error(), req);
    return SessionResponse(ctx, *current, nullptr);
}

Response LogOut(UsersContext& ctx, const Request& req) {
    const auto token = FindCookie(req, ctx.auth.cookie_name);
    if (!token) return ErrorResponse(core::Error::Unauthenticated("not logged in"));
    auto current = ctx.sessions.Authenticate(*token);
    if (!current) {
        Response res = ErrorResponseLogged(current.error(), req);
        ClearCookie(ctx, res);  // whatever the browser holds is of no use
        return res;
    }
    if (auto ok = CheckCsrf(req, current->session); !ok) return ErrorResponse(ok.error());
    if (auto ok = ctx.sessions.Logout(*token); !ok) return ErrorResponseLogged(ok.error(), req);
    Response res;
    res.status = 204;
    res.SetHeader("Cache-Control", "no-store");
    ClearCookie(ctx, res);
    return res;
}

Response AcceptInvite(UsersContext& ctx, const Request& req, const std::string& token) {
    auto body = ReadJsonObject(req);
    if (!body) return body.error();
    auto fields = RequiredStrings(*body, {"password"});
    if (!fields) return ErrorResponseLogged(fields.error(), req);
    auto user = ctx.users.AcceptInvite(token, (*fields)[0]);
    if (!user) return ErrorResponseLogged(user.error(), req);
    auto started = ctx.sessions.Start(*user);
    if (!started) return ErrorResponseLogged(started.error(), req);
    return SessionResponse(ctx, started->current, &started->token);
}

}  // namespace

nlohmann::json UserJson(const core::User& user) {
    return {{"id", user.id.str()},
            {"object", "user"},
            {"email", user.email},
            {"role", core::ToString(user.role)},
            {"partner_id", user.partner_id ? nlohmann::json(user.partner_id->str()) : nlohmann::json(nullptr)},
            {"status", core::ToString(user.status)},
            {"password_set", !user.password_hash.empty()},
            {"created_at", core::FormatRfc3339(user.created_at)},
            {"updated_at", core::FormatRfc3339(user.updated_at)}};
}

void AddUserRoutes(Router& router, UsersContext& ctx) {
    router.Add(Method::kPost, "/api/v1/session",
               [&ctx](const Request& req, const PathParams&) { return LogIn(ctx, req); });
    router.Add(Method::kGet, "/api/v1/session",
               [&ctx](const Request& req, const PathParams&) { return ShowSession(ctx, req); });
    router.Add(Method::kDelete, "/api/v1/session",
               [&ctx](const Request& req, const PathParams&) { return LogOut(ctx, req); });
    router.Add(Method::kPost, "/api/v1/invites/{token}/accept", [&ctx](const Request& req, const PathParams& params) {
        return AcceptInvite(ctx, req, params.Get("token"));
    });

    router.Add(Method::kPost, "/api/v1/users",
               Authed(ctx.auth, [&ctx](const Request& req, const PathParams&, const app::Principal& who) {
                   auto body = ReadJsonObject(req);
                   if (!body) return body.error();
                   auto fields = ParseUserFields(*body);
                   if (!fields) return ErrorResponseLogged(fields.error(), req);
                   auto created = ctx.users.Create(who, *fields, std::nullopt);
                   if (!created) return ErrorResponseLogged(created.error(), req);
                   Response res =
                       JsonResponse(201, {{"user", UserJson(created->user)},
                                          {"invite_url", ctx.public_base_url + "/invite/" + created->invite_token}});
                   res.SetHeader("Cache-Control", "no-store");
                   return res;
               }));
    router.Add(Method::kGet, "/api/v1/users",
               Authed(ctx.auth, [&ctx](const Request& req, const PathParams&, const app::Principal& who) {
                   auto page = ReadPage(req);
                   if (!page) return ErrorResponseLogged(page.error(), req);
                   return Answer(
                       ctx.users.List(who, *page), 200,
                       [](const core::Page<core::User>& p) { return PageToJson(p, UserJson); }, req);
               }));
}

}  // namespace rt::http
