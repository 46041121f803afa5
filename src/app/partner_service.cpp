#include "app/partner_service.hpp"

#include "app/event_log.hpp"

namespace rt::app {

namespace {

core::Error PartnerNotFound() { return core::Error::NotFound("no such partner"); }

// A partner key may only see itself; everyone else (admins) sees every partner.
bool MaySee(const Principal& who, const core::PartnerId& id) {
    const auto* own = who.partner();
    return own == nullptr || *own == id.str();
}

}  // namespace

EventPayload EventFields(const core::Partner& p) {
    return {{"status", std::string(core::ToString(p.status))}, {"group", p.group}};
}

core::Result<core::Partner> PartnerService::Create(const Principal& who, const core::PartnerFields& fields) {
    if (auto ok = RequireAdmin(who, "create partners"); !ok) return core::Fail(ok.error());
    if (!fields.program_id) return core::Fail(core::Error::Invalid("program_id", "is required"));
    const auto program_id = core::ProgramId::Parse(*fields.program_id);
    if (!program_id) return core::Fail(core::Error::Invalid("program_id", "is not a program id"));
    const auto now = deps_.clock.Now();
    auto partner = core::NewPartner(fields, core::PartnerId::Generate(now, deps_.random), *program_id, now);
    if (!partner) return partner;
    auto done = deps_.store.Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto program = tx.GetProgram(*program_id); !program) {
            if (program.error().code() == core::ErrorCode::kNotFound) {
                return core::Fail(core::Error::Invalid("program_id", "no such program"));
            }
            return core::Fail(program.error());
        }
        if (auto ok = tx.InsertPartner(*partner); !ok) return ok;
        auto event =
            AppendEvent(deps_, tx, partner->program_id, "partner.created", partner->id.str(), EventFields(*partner));
        if (!event) return core::Fail(event.error());
        return {};
    });
    if (!done) return core::Fail(done.error());
    return partner;
}

core::Result<core::Partner> PartnerService::Get(const Principal& who, std::string_view id) {
    if (auto ok = RejectIngest(who); !ok) return core::Fail(ok.error());
    const auto partner_id = core::PartnerId::Parse(id);
    if (!partner_id || !MaySee(who, *partner_id)) return core::Fail(PartnerNotFound());
    return ports::Transact<core::Partner>(deps_.store, ports::TxMode::kRead,
                                          [&](ports::StoreTx& tx) { return tx.GetPartner(*partner_id); });
}

core::Result<core::Partner> PartnerService::Patch(const Principal& who, std::string_view id,
                                                  const core::PartnerFields& patch) {
    if (auto ok = RejectIngest(who); !ok) return core::Fail(ok.error());
    const auto partner_id = core::PartnerId::Parse(id);
    if (!partner_id || !MaySee(who, *partner_id)) return core::Fail(PartnerNotFound());
    if (!who.is_admin() && (patch.status || patch.group)) {
        return core::Fail(core::Error::Forbidden("only an admin key may change a partner's status or group"));
    }
    return ports::Transact<core::Partner>(
        deps_.store, ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<core::Partner> {
            auto current = tx.GetPartner(*partner_id);
            if (!current) return current;
            auto next = core::PatchPartner(*current, patch, deps_.clock.Now());
            if (!next) return next;
            if (auto ok = tx.UpdatePartner(*next); !ok) return core::Fail(ok.error());
            auto event =
                AppendEvent(deps_, tx, next->program_id, "partner.updated", next->id.str(), EventFields(*next));
            if (!event) return core::Fail(event.error());
            return next;
        });
}

core::Result<core::Page<core::Partner>> PartnerService::List(const Principal& who, const PartnerListFilter& filter,
                                                             const core::PageRequest& page) {
    if (auto ok = RejectIngest(who); !ok) return core::Fail(ok.error());
    ports::PartnerFilter store_filter;
    if (filter.program_id) {
        const auto program_id = core::ProgramId::Parse(*filter.program_id);
        if (!program_id) return core::Fail(core::Error::Invalid("program_id", "is not a program id"));
        store_filter.program_id = *program_id;
    }
    if (const auto* own = who.partner()) store_filter.partner_id = core::PartnerId::FromTrusted(*own);
    using PageT = core::Page<core::Partner>;
    return ports::Transact<PageT>(deps_.store, ports::TxMode::kRead,
                                  [&](ports::StoreTx& tx) { return tx.ListPartners(store_filter, page); });
}

}  // namespace rt::app
