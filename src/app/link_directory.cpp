#include "app/link_directory.hpp"

#include <spdlog/spdlog.h>

#include <mutex>

#include "app/paging.hpp"
#include "core/referral_code.hpp"
#include "core/url.hpp"

namespace rt::app {

core::Result<void> LinkDirectory::Load(ports::Store& store) {
    std::vector<core::Program> programs;
    std::vector<core::Link> links;
    auto read = store.Transact(ports::TxMode::kRead, [&](ports::StoreTx& tx) -> core::Result<void> {
        auto ok = ForEachPage<core::Program>([&](const core::PageRequest& p) { return tx.ListPrograms(p); }, programs);
        if (!ok) return ok;
        return ForEachPage<core::Link>([&](const core::PageRequest& p) { return tx.ListLinks({}, p); }, links);
    });
    if (!read) return read;
    std::unique_lock lock(mu_);
    by_code_.clear();
    links_.clear();
    programs_.clear();
    for (const auto& program : programs) PutProgram(program);
    for (const auto& link : links) PutLink(link);
    return {};
}

std::optional<LinkRoute> LinkDirectory::Resolve(std::string_view code) const {
    const std::string normalized = core::NormalizeCode(code);
    std::shared_lock lock(mu_);
    auto it = by_code_.find(normalized);
    if (it == by_code_.end()) return std::nullopt;
    return RouteOf(it->second.facts, *it->second.program);
}

std::optional<LinkRoute> LinkDirectory::ResolveId(const core::LinkId& id) const {
    std::shared_lock lock(mu_);
    auto it = links_.find(id);
    if (it == links_.end()) return std::nullopt;
    return RouteOf(it->second.facts, *it->second.program);
}

std::optional<LinkRoute> LinkDirectory::RouteOf(const std::shared_ptr<const LinkFacts>& facts,
                                                const ProgramRecord& program) {
    if (!program.route) return std::nullopt;  // a link whose program was never put
    return LinkRoute{facts, program.route};
}

void LinkDirectory::OnLinkChanged(const core::Link& link) {
    std::unique_lock lock(mu_);
    PutLink(link);
}

void LinkDirectory::OnProgramChanged(const core::Program& program) {
    std::unique_lock lock(mu_);
    PutProgram(program);
}

bool LinkDirectory::Apply(ports::Store& store, const ports::StoreChange& change) {
    using Kind = ports::StoreChange::Kind;
    core::Result<void> done;
    if (change.kind == Kind::kResync) {
        done = Load(store);
        if (done) spdlog::info("event=link_directory_loaded links={} reason=resync", link_count());
    } else if (change.kind == Kind::kLink) {
        auto link = ports::Transact<core::Link>(store, ports::TxMode::kRead, [&](ports::StoreTx& tx) {
            return tx.GetLink(core::LinkId::FromTrusted(change.id));
        });
        if (link) OnLinkChanged(*link);
        done = link ? core::Result<void>() : core::Fail(link.error());
    } else {
        auto program = ports::Transact<core::Program>(store, ports::TxMode::kRead, [&](ports::StoreTx& tx) {
            return tx.GetProgram(core::ProgramId::FromTrusted(change.id));
        });
        if (program) OnProgramChanged(*program);
        done = program ? core::Result<void>() : core::Fail(program.error());
    }
    if (done) return true;
    spdlog::warn("event=link_directory_change_failed id={} message=\"{}\"", change.id, done.error().message());
    // A row that is not there (never in a consistent database) would fail again at every resync.
    return done.error().code() == core::ErrorCode::kNotFound;
}

std::size_t LinkDirectory::link_count() const {
    std::shared_lock lock(mu_);
    return links_.size();
}

void LinkDirectory::PutLink(const core::Link& link) {
    auto it = links_.find(link.id);
    if (it != links_.end()) {
        if (link.updated_at < it->second.updated_at) return;  // a late listener of an older commit
        if (it->second.code != link.code) {
            // Its old code, unless another link took it since (a swap whose listeners ran in the other order).
            auto old = by_code_.find(it->second.code);
            if (old != by_code_.end() && old->second.facts == it->second.facts) by_code_.erase(old);
        }
    }
    const auto url = core::ParseHttpUrl(link.destination);
    auto facts = std::make_shared<const LinkFacts>(LinkFacts{link.id, link.program_id, link.partner_id,
                                                             link.destination, url ? url->host : std::string(),
                                                             link.status == core::LinkStatus::kActive});
    // A program not put yet gets an empty record, which its PutProgram fills: listeners may run in either order.
    const ProgramRecord* program = &programs_[link.program_id];
    LinkRecord& record = links_[link.id];
    record = LinkRecord{facts, link.code, link.updated_at, program};
    by_code_[link.code] = CodeTarget{std::move(facts), program};
}

void LinkDirectory::PutProgram(const core::Program& program) {
    auto it = programs_.find(program.id);
    if (it != programs_.end() && program.updated_at < it->second.updated_at) return;
    auto route = std::make_shared<const ProgramRoute>(
        ProgramRoute{program.destination_domains, program.attribution.window_days});
    programs_[program.id] = ProgramRecord{std::move(route), program.updated_at};
}

}  // namespace rt::app
