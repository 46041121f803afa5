#include "http/api_routes.hpp"
#include "http/api_support.hpp"
#include "http/json_codec.hpp"

namespace rt::http {

namespace {

auto PartnerJson = [](const core::Partner& p) { return ToJson(p); };
auto PartnerPageJson = [](const core::Page<core::Partner>& page) { return PageToJson(page, PartnerJson); };

}  // namespace

void AddPartnerRoutes(Router& router, ApiContext& api) {
    router.Add(Method::kPost, "/api/v1/partners",
               Authed(api.keys, [&api](const Request& req, const PathParams&, const app::Principal& who) {
                   auto body = ReadJsonObject(req);
                   if (!body) return body.error();
                   auto fields = ParsePartnerFields(*body);
                   if (!fields) return ErrorResponseLogged(fields.error(), req);
                   return Answer(api.partners.Create(who, *fields), 201, PartnerJson, req);
               }));
    router.Add(Method::kGet, "/api/v1/partners",
               Authed(api.keys, [&api](const Request& req, const PathParams&, const app::Principal& who) {
                   auto page = ReadPage(req);
                   if (!page) return ErrorResponseLogged(page.error(), req);
                   app::PartnerListFilter filter{.program_id = QueryValue(req, "program_id")};
                   return Answer(api.partners.List(who, filter, *page), 200, PartnerPageJson, req);
               }));
    router.Add(Method::kGet, "/api/v1/partners/{id}",
               Authed(api.keys, [&api](const Request& req, const PathParams& params, const app::Principal& who) {
                   return Answer(api.partners.Get(who, params.Get("id")), 200, PartnerJson, req);
               }));
    router.Add(Method::kPatch, "/api/v1/partners/{id}",
               Authed(api.keys, [&api](const Request& req, const PathParams& params, const app::Principal& who) {
                   auto body = ReadJsonObject(req);
                   if (!body) return body.error();
                   auto fields = ParsePartnerFields(*body);
                   if (!fields) return ErrorResponseLogged(fields.error(), req);
                   return Answer(api.partners.Patch(who, params.Get("id"), *fields), 200, PartnerJson, req);
               }));
}

}  // namespace rt::http
