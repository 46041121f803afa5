#include "http/api_routes.hpp"
#include "http/api_support.hpp"
#include "http/json_codec.hpp"

namespace rt::http {

void AddLinkRoutes(Router& router, ApiContext& api) {
    auto link_json = [&api](const core::Link& l) { return ToJson(l, api.public_base_url); };
    auto page_json = [link_json](const core::Page<core::Link>& page) { return PageToJson(page, link_json); };

    router.Add(Method::kPost, "/api/v1/links",
               Authed(api.keys, [&api, link_json](const Request& req, const PathParams&, const app::Principal& who) {
                   auto body = ReadJsonObject(req);
                   if (!body) return body.error();
                   auto fields = ParseLinkFields(*body);
                   if (!fields) return ErrorResponseLogged(fields.error(), req);
                   return Answer(api.links.Create(who, *fields), 201, link_json, req);
               }));
    router.Add(Method::kGet, "/api/v1/links",
               Authed(api.keys, [&api, page_json](const Request& req, const PathParams&, const app::Principal& who) {
                   auto page = ReadPage(req);
                   if (!page) return ErrorResponseLogged(page.error(), req);
                   app::LinkListFilter filter{.program_id = QueryValue(req, "program_id"),
                                              .partner_id = QueryValue(req, "partner_id")};
                   return Answer(api.links.List(who, filter, *page), 200, page_json, req);
               }));
    router.Add(
        Method::kGet, "/api/v1/links/{id}",
        Authed(api.keys, [&api, link_json](const Request& req, const PathParams& params, const app::Principal& who) {
            return Answer(api.links.Get(who, params.Get("id")), 200, link_json, req);
        }));
    router.Add(
        Method::kPatch, "/api/v1/links/{id}",
        Authed(api.keys, [&api, link_json](const Request& req, const PathParams& params, const app::Principal& who) {
            auto body = ReadJsonObject(req);
            if (!body) return body.error();
            auto fields = ParseLinkFields(*body);
            if (!fields) return ErrorResponseLogged(fields.error(), req);
            return Answer(api.links.Patch(who, params.Get("id"), *fields), 200, link_json, req);
        }));
}

}  // namespace rt::http
