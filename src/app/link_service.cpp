#include "app/link_service.hpp"

#include "app/event_log.hpp"
#include "core/referral_code.hpp"

namespace rt::app {

namespace {

core::Error LinkNotFound() { return core::Error::NotFound("no such link"); }

bool MaySee(const Principal& who, const core::Link& link) {
    const auto* own = who.partner();
    return own == nullptr || *own == link.partner_id.str();
}

// The partner a new link is for: the caller itself for a partner key, else the named one.
core::Result<core::PartnerId> PartnerForNewLink(const Principal& who, const core::LinkFields& fields) {
    if (const auto* own = who.partner()) {
        if (fields.partner_id && *fields.partner_id != *own)
            return core::Fail(core::Error::NotFound("no such partner"));
        return core::PartnerId::FromTrusted(*own);
    }
    if (!fields.partner_id) return core::Fail(core::Error::Invalid("partner_id", "is required"));
    const auto id = core::PartnerId::Parse(*fields.partner_id);
    if (!id) return core::Fail(core::Error::Invalid("partner_id", "is not a partner id"));
    return *id;
}

// Only active partners get new links or change theirs.
core::Result<void> RequireActive(const core::Partner& partner) {
    if (partner.status == core::PartnerStatus::kActive) return {};
    return core::Fail(core::Error::Conflict("the partner is " + std::string(core::ToString(partner.status)) +
                                            "; only active partners create or change links"));
}

}  // namespace

EventPayload EventFields(const core::Link& l) {
    return {
        {"partner_id", l.partner_id.str()}, {"code", l.code},       {"destination", l.destination},
        {"campaign", l.campaign},           {"channel", l.channel}, {"status", std::string(core::ToString(l.status))}};
}

core::Result<core::Link> LinkService::Create(const Principal& who, const core::LinkFields& fields) {
    if (auto ok = RejectIngest(who); !ok) return core::Fail(ok.error());
    auto partner_id = PartnerForNewLink(who, fields);
    if (!partner_id) return core::Fail(partner_id.error());
    // The partner's state, the program's domains and the code's uniqueness are checked in the
    // transaction that inserts, so a concurrent suspension or domain change cannot slip between.
    for (int attempt = 1;; ++attempt) {
        auto link = ports::Transact<core::Link>(
            deps_.store, ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<core::Link> {
                auto partner = tx.GetPartner(*partner_id);
                if (!partner) {
                    if (partner.error().code() != core::ErrorCode::kNotFound) return core::Fail(partner.error());
                    return core::Fail(core::Error::Invalid("partner_id", "no such partner"));
                }
                if (auto ok = RequireActive(*partner); !ok) return core::Fail(ok.error());
                auto program = tx.GetProgram(partner->program_id);
                if (!program) return core::Fail(program.error());
                const auto now = deps_.clock.Now();
                auto draft =
                    core::NewLink(fields, core::LinkId::Generate(now, deps_.random), partner->program_id, partner->id,
                                  core::GenerateCode(deps_.random), program->destination_domains, now);
                if (!draft) return draft;
                if (auto ok = tx.InsertLink(*draft); !ok) return core::Fail(ok.error());
                auto event =
                    AppendEvent(deps_, tx, draft->program_id, "link.created", draft->id.str(), EventFields(*draft));
                if (!event) return core::Fail(event.error());
                return draft;
            });
        // A drawn code that collides is drawn again; a vanity code that collides is the caller's conflict.
        const bool code_collision = !link && link.error().code() == core::ErrorCode::kConflict && !fields.code;
        if (!code_collision || attempt >= kCodeAttempts) return Notify(link);
    }
}

core::Result<core::Link> LinkService::Get(const Principal& who, std::string_view id) {
    if (auto ok = RejectIngest(who); !ok) return core::Fail(ok.error());
    const auto link_id = core::LinkId::Parse(id);
    if (!link_id) return core::Fail(LinkNotFound());
    auto link = ports::Transact<core::Link>(deps_.store, ports::TxMode::kRead,
                                            [&](ports::StoreTx& tx) { return tx.GetLink(*link_id); });
    if (link && !MaySee(who, *link)) return core::Fail(LinkNotFound());
    return link;
}

core::Result<core::Link> LinkService::Patch(const Principal& who, std::string_view id, const core::LinkFields& patch) {
    if (auto ok = RejectIngest(who); !ok) return core::Fail(ok.error());
    if (who.partner() != nullptr && patch.status) {
        return core::Fail(core::Error::Forbidden("only an admin key may enable or disable a link"));
    }
    const auto link_id = core::LinkId::Parse(id);
    if (!link_id) return core::Fail(LinkNotFound());
    return Notify(ports::Transact<core::Link>(
        deps_.store, ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<core::Link> {
            auto current = tx.GetLink(*link_id);
            if (!current) return current;
            if (!MaySee(who, *current)) return core::Fail(LinkNotFound());
            if (who.partner() != nullptr) {
                auto partner = tx.GetPartner(current->partner_id);
                if (!partner) return core::Fail(partner.error());
                if (auto ok = RequireActive(*partner); !ok) return core::Fail(ok.error());
            }
            auto program = tx.GetProgram(current->program_id);
            if (!program) return core::Fail(program.error());
            auto next = core::PatchLink(*current, patch, program->destination_domains, deps_.clock.Now());
            if (!next) return next;
            if (auto ok = tx.UpdateLink(*next); !ok) return core::Fail(ok.error());
            auto event = AppendEvent(deps_, tx, next->program_id, "link.updated", next->id.str(), EventFields(*next));
            if (!event) return core::Fail(event.error());
            return next;
        }));
}

core::Result<core::Page<core::Link>> LinkService::List(const Principal& who, const LinkListFilter& filter,
                                                       const core::PageRequest& page) {
    if (auto ok = RejectIngest(who); !ok) return core::Fail(ok.error());
    ports::LinkFilter store_filter;
    if (filter.program_id) {
        const auto id = core::ProgramId::Parse(*filter.program_id);
        if (!id) return core::Fail(core::Error::Invalid("program_id", "is not a program id"));
        store_filter.program_id = *id;
    }
    if (filter.partner_id) {
        const auto id = core::PartnerId::Parse(*filter.partner_id);
        if (!id) return core::Fail(core::Error::Invalid("partner_id", "is not a partner id"));
        store_filter.partner_id = *id;
    }
    if (const auto* own = who.partner()) {
        // A partner asking for another partner's links gets an empty list, as if there were none.
        if (store_filter.partner_id && store_filter.partner_id->str() != *own) return core::Page<core::Link>{};
        store_filter.partner_id = core::PartnerId::FromTrusted(*own);
    }
    using PageT = core::Page<core::Link>;
    return ports::Transact<PageT>(deps_.store, ports::TxMode::kRead,
                                  [&](ports::StoreTx& tx) { return tx.ListLinks(store_filter, page); });
}

}  // namespace rt::app
