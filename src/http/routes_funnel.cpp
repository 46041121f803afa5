#include "http/routes_funnel.hpp"

#include <algorithm>

#include "http/api_support.hpp"
#include "http/funnel_codec.hpp"
#include "http/json_codec.hpp"
#include "http/problem.hpp"

namespace rt::http {

namespace {

// What a write produced: its answer and, for 2xx, the id a replay re-reads.
struct Written {
    Response response;
    std::string id;
};

std::string BodyHash(FunnelContext& ctx, const nlohmann::json& body) {
    return core::ToHex(ctx.deps.digest.Sha256(body.dump()));
}

// Runs `write` at most once per (API key, route, Idempotency-Key): a repeat with the same body gets the
// first answer re-read through `replay` (with Idempotent-Replayed: true), with another body 422.
// Without the header, `write` simply runs.
Response Idempotent(FunnelContext& ctx, const Request& req, const app::Principal& who, std::string_view route,
                    const std::string& body_hash, const std::function<Written()>& write,
                    const std::function<Response(const std::string&, int)>& replay) {
    const auto key = req.HeaderValue("idempotency-key");
    if (!key) return write().response;
    // Visible ASCII only: a key is an opaque token, and every backend stores it as text.
    const bool visible = std::all_of(key->begin(), key->end(), [](char c) { return c > ' ' && c < 0x7f; });
    if (key->empty() || key->size() > app::IdempotencyKeys::kMaxKeyLength || !visible) {
        return ErrorResponse(
            core::Error::Invalid("Idempotency-Key", "must be 1 to 255 visible ASCII characters, without spaces"));
    }
    const std::string scope = who.key_id.str() + " " + std::string(route);
    auto found = ctx.idempotency.Find(scope, *key);
    if (!found) return ErrorResponseLogged(found.error(), req);
    if (*found) {
        if ((*found)->request_hash != body_hash) {
            return ErrorResponse(core::Error::Invalid("Idempotency-Key", "was already used with another request body"));
        }
        Response res = replay((*found)->body, (*found)->status);
        res.SetHeader("Idempotent-Replayed", "true");
        return res;
    }
    Written done = write();
    if (done.response.status >= 200 && done.response.status < 300) {
        auto kept = ctx.idempotency.Remember({scope, std::string(*key), body_hash, done.response.status, done.id, {}});
        if (!kept) ErrorResponseLogged(kept.error(), req);
    }
    return done.response;
}

Response ReferralResponse(FunnelContext& ctx, const app::Principal& who, const core::Result<app::ReferralOutcome>& r,
                          int status, const Request& req) {
    if (!r) return ErrorResponseLogged(r.error(), req);
    return JsonResponse(status, ToJson(r->referral, r->customer, ctx.vault, who.partner() == nullptr));
}

Response ConversionResponse(const core::Result<app::ConversionOutcome>& r, int status, Method method,
                            std::string_view path) {
    if (!r) return ErrorResponseLogged(r.error(), method, path);
    return JsonTextResponse(status, ConversionJson(r->conversion, r->commissions));
}

Response ConversionResponse(const core::Result<app::ConversionOutcome>& r, int status, const Request& req) {
    return ConversionResponse(r, status, req.method, req.path);
}

// A conversion request's body, decoded, with its hash; else the problem to answer.
tl::expected<app::ConversionInput, Response> ReadConversion(FunnelContext& ctx, const Request& req) {
    auto body = ReadJsonObject(req);
    if (!body) return tl::unexpected(std::move(body.error()));
    auto input = ParseConversionInput(*body);
    if (!input) return tl::unexpected(ErrorResponseLogged(input.error(), req));
    input->request_hash = BodyHash(ctx, *body);
    return std::move(*input);
}

// POST /api/v1/conversions on the I/O thread, without a worker: for a request whose API key was verified
// within the key cache's lifetime and that has no Idempotency-Key. It is decoded here, written by the group
// commit's writer thread, and answered from there after the commit. Any other request (a key not verified
// yet, a session, an Idempotency-Key, which needs blocking reads, or a body larger than kFastBodyBytes,
// whose decoding would hold up the I/O thread's other connections) is left to the blocking handler.
bool RecordConversionFast(FunnelContext& ctx, const Request& req, const Responder& respond) {
    // A conversion's JSON is ~0.3–2 KiB; 16 KiB decodes in well under a millisecond.
    constexpr std::size_t kFastBodyBytes = 16 * 1024;
    if (req.body.size() > kFastBodyBytes || req.HeaderValue("idempotency-key")) return false;
    const auto header = req.HeaderValue("authorization");
    if (!header) return false;
    const auto token = BearerToken(*header);
    if (!token) return false;
    const auto who = ctx.keys.keys->Cached(*token);
    if (!who) return false;
    auto input = ReadConversion(ctx, req);
    if (!input) {
        respond(std::move(input.error()));
        return true;
    }
    auto queued = ctx.conversions.RecordAsync(
        *who, std::move(*input),
        [respond, method = req.method, path = req.path](core::Result<app::ConversionOutcome> r) {
            const int status = r && r->created ? 201 : 200;
            respond(ConversionResponse(r, status, method, path));
        });
    // Refused before any write. A full queue is counted (reftrack_conversions_refused_total), not logged: under
    // an overload, a log line per refused request would only add to it.
    if (!queued) respond(ErrorResponse(queued.error()));
    return true;
}

void AddCouponRoutes(Router& router, FunnelContext& ctx) {
    auto coupon_json = [](const core::Coupon& c) { return ToJson(c); };
    router.Add(Method::kPost, "/api/v1/coupons",
               Authed(ctx.keys, [&ctx, coupon_json](const Request& req, const PathParams&, const app::Principal& who) {
                   auto body = ReadJsonObject(req);
                   if (!body) return body.error();
                   auto input = ParseCouponInput(*body);
                   if (!input) return ErrorResponseLogged(input.error(), req);
                   return Answer(ctx.coupons.Create(who, *input), 201, coupon_json, req);
               }));
    router.Add(Method::kGet, "/api/v1/coupons",
               Authed(ctx.keys, [&ctx, coupon_json](const Request& req, const PathParams&, const app::Principal& who) {
                   auto page = ReadPage(req);
                   if (!page) return ErrorResponseLogged(page.error(), req);
                   auto list = ctx.coupons.List(who, QueryValue(req, "program_id"), *page);
                   return Answer(
                       list, 200, [&](const auto& p) { return PageToJson(p, coupon_json); }, req);
               }));
    router.Add(
        Method::kGet, "/api/v1/coupons/{id}",
        Authed(ctx.keys, [&ctx, coupon_json](const Request& req, const PathParams& params, const app::Principal& who) {
            return Answer(ctx.coupons.Get(who, params.Get("id")), 200, coupon_json, req);
        }));
}

void AddReferralRoutes(Router& router, FunnelContext& ctx) {
    router.Add(Method::kPost, "/api/v1/referrals",
               Authed(ctx.keys, [&ctx](const Request& req, const PathParams&, const app::Principal& who) {
                   auto body = ReadJsonObject(req);
                   if (!body) return body.error();
                   auto input = ParseReferralInput(*body);
                   if (!input) return ErrorResponseLogged(input.error(), req);
                   auto write = [&] {
                       auto r = ctx.referrals.Create(who, *input);
                       const int status = r && r->created ? 201 : 200;
                       return Written{ReferralResponse(ctx, who, r, status, req), r ? r->referral.id.str() : ""};
                   };
                   auto replay = [&](const std::string& id, int status) {
                       return ReferralResponse(ctx, who, ctx.referrals.Get(who, id), status, req);
                   };
                   return Idempotent(ctx, req, who, "POST /api/v1/referrals", BodyHash(ctx, *body), write, replay);
               }));
    router.Add(
        Method::kGet, "/api/v1/referrals",
        Authed(ctx.keys, [&ctx](const Request& req, const PathParams&, const app::Principal& who) {
            auto page = ReadPage(req);
            if (!page) return ErrorResponseLogged(page.error(), req);
            auto list = ctx.referrals.List(who, QueryValue(req, "program_id"), QueryValue(req, "partner_id"), *page);
            if (!list) return ErrorResponseLogged(list.error(), req);
            nlohmann::json data = nlohmann::json::array();
            for (const auto& r : list->data) {
                data.push_back(ToJson(r.referral, r.customer, ctx.vault, who.partner() == nullptr));
            }
            return JsonResponse(200, {{"object", "list"}, {"data", std::move(data)}, {"has_more", list->has_more}});
        }));
    router.Add(Method::kGet, "/api/v1/referrals/{id}",
               Authed(ctx.keys, [&ctx](const Request& req, const PathParams& params, const app::Principal& who) {
                   return ReferralResponse(ctx, who, ctx.referrals.Get(who, params.Get("id")), 200, req);
               }));
    router.Add(Method::kPatch, "/api/v1/referrals/{id}",
               Authed(ctx.keys, [&ctx](const Request& req, const PathParams& params, const app::Principal& who) {
                   auto body = ReadJsonObject(req);
                   if (!body) return body.error();
                   auto patch = ParseReferralPatch(*body);
                   if (!patch) return ErrorResponseLogged(patch.error(), req);
                   return ReferralResponse(ctx, who, ctx.referrals.Patch(who, params.Get("id"), *patch), 200, req);
               }));
}

void AddConversionRoutes(Router& router, FunnelContext& ctx) {
    router.Add(Method::kPost, "/api/v1/conversions",
               Authed(ctx.keys,
                      [&ctx](const Request& req, const PathParams&, const app::Principal& who) {
                          auto input = ReadConversion(ctx, req);
                          if (!input) return std::move(input.error());
                          auto write = [&] {
                              auto r = ctx.conversions.Record(who, *input);
                              const int status = r && r->created ? 201 : 200;
                              return Written{ConversionResponse(r, status, req), r ? r->conversion.id.str() : ""};
                          };
                          auto replay = [&](const std::string& id, int status) {
                              return ConversionResponse(ctx.conversions.Get(who, id), status, req);
                          };
                          return Idempotent(ctx, req, who, "POST /api/v1/conversions", input->request_hash, write,
                                            replay);
                      }),
               [&ctx](const Request& req, const PathParams&, const Responder& respond) {
                   return RecordConversionFast(ctx, req, respond);
               });
    router.Add(Method::kGet, "/api/v1/conversions",
               Authed(ctx.keys, [&ctx](const Request& req, const PathParams&, const app::Principal& who) {
                   auto page = ReadPage(req);
                   if (!page) return ErrorResponseLogged(page.error(), req);
                   auto list =
                       ctx.conversions.List(who, QueryValue(req, "program_id"), QueryValue(req, "partner_id"), *page);
                   if (!list) return ErrorResponseLogged(list.error(), req);
                   JsonWriter w(1024 * (list->data.size() + 1));
                   w.BeginObject().Key("data").BeginArray();
                   for (const auto& c : list->data) WriteConversion(w, c.conversion, c.commissions);
                   w.EndArray().Key("has_more").Bool(list->has_more).Key("object").String("list").EndObject();
                   return JsonTextResponse(200, w.Take());
               }));
    router.Add(Method::kGet, "/api/v1/conversions/{id}",
               Authed(ctx.keys, [&ctx](const Request& req, const PathParams& params, const app::Principal& who) {
                   return ConversionResponse(ctx.conversions.Get(who, params.Get("id")), 200, req);
               }));
}

}  // namespace

void AddFunnelRoutes(Router& router, FunnelContext& ctx) {
    AddCouponRoutes(router, ctx);
    AddReferralRoutes(router, ctx);
    AddConversionRoutes(router, ctx);
}

}  // namespace rt::http
