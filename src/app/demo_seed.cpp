#include "app/demo_seed.hpp"

#include <array>
#include <string>

#include "app/event_log.hpp"
#include "app/link_service.hpp"
#include "app/partner_service.hpp"
#include "app/program_service.hpp"
#include "core/link.hpp"
#include "core/partner.hpp"
#include "core/program.hpp"
#include "core/referral_code.hpp"

namespace rt::app {

namespace {

struct DemoPartner {
    const char* name;
    const char* email;
    const char* group;
};

constexpr std::array<DemoPartner, 5> kPartners{{
    {"Northwind Agency", "hello@northwind.example.com", "agency"},
    {"Dev Tools Weekly", "ads@devtoolsweekly.example.com", "media"},
    {"Ada Lovelace", "ada@lovelace.example.com", "customer"},
    {"Cloud Reseller GmbH", "partners@cloudreseller.example.com", "reseller"},
    {"Grace Hopper", "grace@hopper.example.com", "customer"},
}};

constexpr std::array<std::pair<const char*, const char*>, 3> kLinks{{
    {"https://shop.example.com/pricing", "spring-sale"},
    {"https://shop.example.com/", "newsletter"},
    {"https://shop.example.com/signup?plan=team", "webinar"},
}};

core::Result<void> SeedPartner(const Deps& deps, ports::StoreTx& tx, const core::Program& program,
                               const DemoPartner& demo) {
    const auto now = deps.clock.Now();
    core::PartnerFields fields{.name = demo.name, .email = demo.email, .group = demo.group};
    auto partner = core::NewPartner(fields, core::PartnerId::Generate(now, deps.random), program.id, now);
    if (!partner) return core::Fail(partner.error());
    if (auto ok = tx.InsertPartner(*partner); !ok) return ok;
    if (auto e = AppendEvent(deps, tx, program.id, "partner.created", partner->id.str(), EventFields(*partner)); !e) {
        return core::Fail(e.error());
    }
    for (const auto& [destination, campaign] : kLinks) {
        core::LinkFields link_fields{.destination = destination,
                                     .campaign = campaign,
                                     .channel = std::string(demo.group) == "media" ? "newsletter" : "social"};
        auto link = core::NewLink(link_fields, core::LinkId::Generate(now, deps.random), program.id, partner->id,
                                  core::GenerateCode(deps.random), program.destination_domains, now);
        if (!link) return core::Fail(link.error());
        if (auto ok = tx.InsertLink(*link); !ok) return ok;
        if (auto e = AppendEvent(deps, tx, program.id, "link.created", link->id.str(), EventFields(*link)); !e) {
            return core::Fail(e.error());
        }
    }
    return {};
}

}  // namespace

core::Result<bool> SeedDemoIfEmpty(const Deps& deps) {
    return ports::Transact<bool>(deps.store, ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<bool> {
        auto count = tx.CountPrograms();
        if (!count) return core::Fail(count.error());
        if (*count > 0) return false;
        const auto now = deps.clock.Now();
        core::ProgramFields fields{
            .name = "Acme Cloud partner program",
            .currency = "EUR",
            .destination_domains = std::vector<std::string>{"shop.example.com", "*.acme.example.com"}};
        auto program = core::NewProgram(fields, core::ProgramId::Generate(now, deps.random), now);
        if (!program) return core::Fail(program.error());
        if (auto ok = tx.InsertProgram(*program); !ok) return core::Fail(ok.error());
        auto event = AppendEvent(deps, tx, program->id, "program.created", program->id.str(), EventFields(*program));
        if (!event) return core::Fail(event.error());
        for (const auto& demo : kPartners) {
            if (auto ok = SeedPartner(deps, tx, *program, demo); !ok) return core::Fail(ok.error());
        }
        return true;
    });
}

}  // namespace rt::app
