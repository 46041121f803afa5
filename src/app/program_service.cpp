#include "app/program_service.hpp"

#include "app/event_log.hpp"

namespace rt::app {

namespace {

core::Error ProgramNotFound() { return core::Error::NotFound("no such program"); }

// The program a partner key belongs to.
core::Result<core::ProgramId> ProgramOfPartner(ports::StoreTx& tx, const std::string& partner_id) {
    auto partner = tx.GetPartner(core::PartnerId::FromTrusted(partner_id));
    if (!partner) return core::Fail(partner.error());
    return partner->program_id;
}

}  // namespace

namespace {

std::string RuleText(const core::CommissionRule& r) {
    return r.kind == core::CommissionRule::Kind::kFlat ? "flat:" + std::to_string(r.flat_minor)
                                                       : "percent_bps:" + std::to_string(r.percent_bps);
}

std::string CommissionText(const core::CommissionPlan& plan) {
    std::string out = "default=" + RuleText(plan.default_rule);
    for (const auto& [group, rule] : plan.by_group) out += ";" + group + "=" + RuleText(rule);
    return out;
}

}  // namespace

EventPayload EventFields(const core::Program& p) {
    std::string domains;
    for (const auto& d : p.destination_domains) domains += (domains.empty() ? "" : ",") + d;
    std::string stages;
    for (const auto& s : p.stages)
        stages += (stages.empty() ? "" : ",") + s.key + ":" + std::string(core::ToString(s.kind));
    return {{"currency", p.currency.code()},
            {"destination_domains", domains},
            {"attribution_model", std::string(core::ToString(p.attribution.model))},
            {"attribution_window_days", std::to_string(p.attribution.window_days)},
            {"stages", stages},
            {"sticky_customers", p.sticky_customers ? "true" : "false"},
            {"commission", CommissionText(p.commission)}};
}

core::Result<core::Program> ProgramService::Create(const Principal& who, const core::ProgramFields& fields) {
    if (auto ok = RequireAdmin(who, "create programs"); !ok) return core::Fail(ok.error());
    const auto now = deps_.clock.Now();
    auto program = core::NewProgram(fields, core::ProgramId::Generate(now, deps_.random), now);
    if (!program) return program;
    auto done = deps_.store.Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertProgram(*program); !ok) return ok;
        auto event = AppendEvent(deps_, tx, program->id, "program.created", program->id.str(), EventFields(*program));
        if (!event) return core::Fail(event.error());
        return {};
    });
    if (!done) return core::Fail(done.error());
    return Notify(program);
}

core::Result<core::Program> ProgramService::Get(const Principal& who, std::string_view id) {
    if (auto ok = RejectIngest(who); !ok) return core::Fail(ok.error());
    const auto program_id = core::ProgramId::Parse(id);
    if (!program_id) return core::Fail(ProgramNotFound());
    return ports::Transact<core::Program>(deps_.store, ports::TxMode::kRead,
                                          [&](ports::StoreTx& tx) -> core::Result<core::Program> {
                                              if (const auto* partner = who.partner()) {
                                                  auto own = ProgramOfPartner(tx, *partner);
                                                  if (!own) return core::Fail(own.error());
                                                  if (*own != *program_id) return core::Fail(ProgramNotFound());
                                              }
                                              return tx.GetProgram(*program_id);
                                          });
}

core::Result<core::Program> ProgramService::Patch(const Principal& who, std::string_view id,
                                                  const core::ProgramFields& patch) {
    if (auto ok = RequireAdmin(who, "change programs"); !ok) return core::Fail(ok.error());
    const auto program_id = core::ProgramId::Parse(id);
    if (!program_id) return core::Fail(ProgramNotFound());
    return Notify(ports::Transact<core::Program>(
        deps_.store, ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<core::Program> {
            auto current = tx.GetProgram(*program_id);
            if (!current) return current;
            auto next = core::PatchProgram(*current, patch, deps_.clock.Now());
            if (!next) return next;
            if (auto ok = tx.UpdateProgram(*next); !ok) return core::Fail(ok.error());
            auto event = AppendEvent(deps_, tx, next->id, "program.updated", next->id.str(), EventFields(*next));
            if (!event) return core::Fail(event.error());
            return next;
        }));
}

core::Result<core::Page<core::Program>> ProgramService::List(const Principal& who, const core::PageRequest& page) {
    if (auto ok = RejectIngest(who); !ok) return core::Fail(ok.error());
    using PageT = core::Page<core::Program>;
    return ports::Transact<PageT>(deps_.store, ports::TxMode::kRead, [&](ports::StoreTx& tx) -> core::Result<PageT> {
        const auto* partner = who.partner();
        if (!partner) return tx.ListPrograms(page);
        // A partner belongs to one program: the list is that program, or nothing past the cursor.
        auto own = ProgramOfPartner(tx, *partner);
        if (!own) return core::Fail(own.error());
        PageT out;
        if (!page.starting_after.empty() && own->str() >= page.starting_after) return out;
        auto program = tx.GetProgram(*own);
        if (!program) return core::Fail(program.error());
        out.data.push_back(std::move(*program));
        return out;
    });
}

}  // namespace rt::app
