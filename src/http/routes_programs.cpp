#include "http/api_routes.hpp"
#include "http/api_support.hpp"
#include "http/json_codec.hpp"

namespace rt::http {

namespace {

auto ProgramJson = [](const core::Program& p) { return ToJson(p); };
auto ProgramPageJson = [](const core::Page<core::Program>& page) { return PageToJson(page, ProgramJson); };

}  // namespace

void AddProgramRoutes(Router& router, ApiContext& api) {
    router.Add(Method::kPost, "/api/v1/programs",
               Authed(api.keys, [&api](const Request& req, const PathParams&, const app::Principal& who) {
                   auto body = ReadJsonObject(req);
                   if (!body) return body.error();
                   auto fields = ParseProgramFields(*body);
                   if (!fields) return ErrorResponseLogged(fields.error(), req);
                   return Answer(api.programs.Create(who, *fields), 201, ProgramJson, req);
               }));
    router.Add(Method::kGet, "/api/v1/programs",
               Authed(api.keys, [&api](const Request& req, const PathParams&, const app::Principal& who) {
                   auto page = ReadPage(req);
                   if (!page) return ErrorResponseLogged(page.error(), req);
                   return Answer(api.programs.List(who, *page), 200, ProgramPageJson, req);
               }));
    router.Add(Method::kGet, "/api/v1/programs/{id}",
               Authed(api.keys, [&api](const Request& req, const PathParams& params, const app::Principal& who) {
                   return Answer(api.programs.Get(who, params.Get("id")), 200, ProgramJson, req);
               }));
    router.Add(Method::kPatch, "/api/v1/programs/{id}",
               Authed(api.keys, [&api](const Request& req, const PathParams& params, const app::Principal& who) {
                   auto body = ReadJsonObject(req);
                   if (!body) return body.error();
                   auto fields = ParseProgramFields(*body);
                   if (!fields) return ErrorResponseLogged(fields.error(), req);
                   return Answer(api.programs.Patch(who, params.Get("id"), *fields), 200, ProgramJson, req);
               }));
}

}  // namespace rt::http
