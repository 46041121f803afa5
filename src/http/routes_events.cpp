#include <charconv>

#include "http/api_support.hpp"
#include "http/funnel_codec.hpp"
#include "http/problem.hpp"
#include "http/routes_funnel.hpp"

namespace rt::http {

namespace {

// The ledger of one program in seq order: `program_id` (required), `after_seq` (default 0), `limit`.
// Admin keys only: the ledger spans every partner.
Response ListEvents(FunnelContext& ctx, const Request& req, const app::Principal& who) {
    if (auto ok = app::RequireAdmin(who, "read the event ledger"); !ok) return ErrorResponse(ok.error());
    auto page = ReadPage(req);
    if (!page) return ErrorResponseLogged(page.error(), req);
    const auto program_text = QueryValue(req, "program_id");
    const auto program_id = program_text ? core::ProgramId::Parse(*program_text) : std::nullopt;
    if (!program_id) return ErrorResponse(core::Error::Invalid("program_id", "is required: a program id"));
    std::int64_t after = 0;
    if (auto text = QueryValue(req, "after_seq")) {
        const auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), after);
        if (ec != std::errc() || ptr != text->data() + text->size() || after < 0) {
            return ErrorResponse(core::Error::Invalid("after_seq", "must be a non-negative integer"));
        }
    }
    auto events = ports::Transact<std::vector<core::Event>>(
        ctx.deps.store, ports::TxMode::kRead,
        [&](ports::StoreTx& tx) { return tx.ListEvents(*program_id, after, page->limit + 1); });
    if (!events) return ErrorResponseLogged(events.error(), req);
    const bool has_more = static_cast<int>(events->size()) > page->limit;
    if (has_more) events->pop_back();
    nlohmann::json data = nlohmann::json::array();
    for (const auto& e : *events) data.push_back(ToJson(e));
    return JsonResponse(200, {{"object", "list"}, {"data", std::move(data)}, {"has_more", has_more}});
}

}  // namespace

void AddEventRoutes(Router& router, FunnelContext& ctx) {
    router.Add(Method::kGet, "/api/v1/events",
               Authed(ctx.keys, [&ctx](const Request& req, const PathParams&, const app::Principal& who) {
                   return ListEvents(ctx, req, who);
               }));
}

}  // namespace rt::http
