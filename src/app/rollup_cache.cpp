#include "app/rollup_cache.hpp"

#include "app/paging.hpp"

namespace rt::app {

namespace {

// More events than this since the last look: reload names and campaigns without reading them all.
constexpr std::int64_t kMaxEventsToScan = 5'000;
constexpr int kEventPage = 1'000;

bool ChangesDimensions(const std::string& type) {
    return type.starts_with("partner.") || type.starts_with("link.") || type.starts_with("program.");
}

}  // namespace

std::size_t PackedKeyHash::operator()(const PackedKey& k) const noexcept {
    std::uint64_t h = static_cast<std::uint32_t>(k.day);
    h = h * 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint32_t>(k.partner);
    h = h * 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint32_t>(k.link);
    h = h * 0x9E3779B97F4A7C15ULL ^
        (static_cast<std::uint32_t>(static_cast<std::uint16_t>(k.source)) << 16 | static_cast<std::uint16_t>(k.stage));
    return static_cast<std::size_t>(h ^ (h >> 29));
}

template <class M>
typename CellSet<M>::Entry& CellSet<M>::At(const PackedKey& key) {
    auto it = index_.find(key);
    if (it != index_.end()) return *it->second;
    auto& entry = entries_.emplace_back(Entry{key, M{}});
    index_.emplace(key, &entry);
    by_day_[key.day].push_back(&entry);
    by_partner_[key.partner].push_back(&entry);
    return entry;
}

template <class M>
void CellSet<M>::Add(const PackedKey& key, const M& delta) {
    At(key).measures += delta;
}

template <class M>
void CellSet<M>::Subtract(const PackedKey& key, const M& delta) {
    At(key).measures -= delta;
}

template <class M>
const M* CellSet<M>::Find(const PackedKey& key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &it->second->measures;
}

template <class M>
const std::vector<typename CellSet<M>::Entry*>* CellSet<M>::OfDay(core::Day day) const {
    auto it = by_day_.find(day);
    return it == by_day_.end() ? nullptr : &it->second;
}

template <class M>
const std::vector<typename CellSet<M>::Entry*>* CellSet<M>::OfPartner(std::int32_t partner) const {
    auto it = by_partner_.find(partner);
    return it == by_partner_.end() ? nullptr : &it->second;
}

template <class M>
void Levels<M>::Apply(PackedKey key, const M& delta, bool subtract) {
    auto put = [&](CellSet<M>& set, const PackedKey& k) {
        if (subtract)
            set.Subtract(k, delta);
        else
            set.Add(k, delta);
    };
    put(day, key);
    PackedKey month_key = key;
    month_key.day = core::MonthStart(key.day);
    put(month, month_key);
    PackedKey partner_key{key.day, key.partner, -1, -1, key.stage};
    put(partner_day, partner_key);
    partner_key.day = month_key.day;
    put(partner_month, partner_key);
    PackedKey total_key{key.day, -1, -1, -1, key.stage};
    put(total_day, total_key);
    total_key.day = month_key.day;
    put(total_month, total_key);
}

template class CellSet<core::Measures>;
template class CellSet<core::FunnelMeasures>;
template struct Levels<core::Measures>;
template struct Levels<core::FunnelMeasures>;

std::int32_t Interned::Intern(const std::string& value) {
    auto it = index.find(value);
    if (it != index.end()) return it->second;
    const auto i = static_cast<std::int32_t>(values.size());
    values.push_back(value);
    index.emplace(value, i);
    return i;
}

std::int32_t Interned::Find(const std::string& value) const {
    auto it = index.find(value);
    return it == index.end() ? -1 : it->second;
}

namespace {

std::int32_t PartnerIndex(ProgramRollups& p, const std::string& id) {
    const auto i = p.partners.Intern(id);
    if (static_cast<std::size_t>(i) >= p.partner_names.size()) p.partner_names.resize(i + 1, id);
    return i;
}

std::int32_t LinkIndex(ProgramRollups& p, const std::string& id) {
    auto it = p.link_index.find(id);
    if (it != p.link_index.end()) return it->second;
    const auto i = static_cast<std::int32_t>(p.links.size());
    p.links.push_back(LinkInfo{id, {}, {}, 0, 0});
    p.link_index.emplace(id, i);
    return i;
}

// Names of partners, codes/campaigns/channels of links, the program itself: read anew.
core::Result<void> LoadDimensions(ports::StoreTx& tx, ProgramRollups& p) {
    auto program = tx.GetProgram(p.program.id);
    if (!program) return core::Fail(program.error());
    p.program = *program;
    std::vector<core::Partner> partners;
    auto ok = ForEachPage<core::Partner>(
        [&](const core::PageRequest& page) { return tx.ListPartners({.program_id = p.program.id}, page); }, partners);
    if (!ok) return ok;
    for (const auto& partner : partners) p.partner_names[PartnerIndex(p, partner.id.str())] = partner.name;
    std::vector<core::Link> links;
    ok = ForEachPage<core::Link>(
        [&](const core::PageRequest& page) { return tx.ListLinks({.program_id = p.program.id}, page); }, links);
    if (!ok) return ok;
    for (const auto& link : links) {
        auto& info = p.links[LinkIndex(p, link.id.str())];
        info.code = link.code;
        info.partner_id = link.partner_id.str();
        info.campaign = p.campaigns.Intern(link.campaign);
        info.channel = p.channels.Intern(link.channel);
    }
    for (const auto& stage : p.program.stages) p.stages.Intern(stage.key);
    return {};
}

std::unique_ptr<ProgramRollups> NewProgramRollups(const core::ProgramId& id) {
    auto p = std::make_unique<ProgramRollups>();
    p->program.id = id;
    p->links.push_back(LinkInfo{});
    p->link_index.emplace("", 0);
    p->campaigns.Intern("");
    p->channels.Intern("");
    return p;
}

}  // namespace

core::Result<void> RollupCache::Refresh(ports::StoreTx& tx, const core::ProgramId& program_id,
                                        std::unique_ptr<ProgramRollups>& state) {
    auto last = tx.LastEvent(program_id);
    if (!last) return core::Fail(last.error());
    const std::int64_t seq = last->has_value() ? (*last)->seq : 0;
    if (state && state->seq == seq) return {};
    bool reload = !state || seq - state->seq > kMaxEventsToScan;
    if (state && !reload) {
        for (std::int64_t after = state->seq; after < seq && !reload;) {
            auto events = tx.ListEvents(program_id, after, kEventPage);
            if (!events) return core::Fail(events.error());
            if (events->empty()) break;
            for (const auto& e : *events) {
                if (e.type == "rollups.rebuilt") {
                    state.reset();
                    break;
                }
                if (ChangesDimensions(e.type)) reload = true;
            }
            if (!state) break;
            after = events->back().seq;
        }
    }
    if (!state) {
        state = NewProgramRollups(program_id);
        reload = true;
    }
    auto& p = *state;
    if (reload) {
        if (auto ok = LoadDimensions(tx, p); !ok) return ok;
    }
    auto ok = tx.ForEachRollup(program_id, p.seq, [&](const core::RollupCell& cell) -> core::Result<void> {
        PackedKey key{cell.key.day, PartnerIndex(p, cell.key.partner_id), LinkIndex(p, cell.key.link_id),
                      static_cast<std::int16_t>(p.sources.Intern(cell.key.source)), -1};
        core::Measures delta = cell.measures;
        if (const auto* old = p.cells.day.Find(key)) delta -= *old;
        p.cells.Apply(key, delta, false);
        return {};
    });
    if (!ok) return ok;
    ok = tx.ForEachFunnelRollup(program_id, p.seq, [&](const core::FunnelCell& cell) -> core::Result<void> {
        PackedKey key{cell.key.day, PartnerIndex(p, cell.key.partner_id), LinkIndex(p, cell.key.link_id),
                      static_cast<std::int16_t>(p.sources.Intern(cell.key.source)),
                      static_cast<std::int16_t>(p.stages.Intern(cell.key.stage))};
        core::FunnelMeasures delta = cell.measures;
        if (const auto* old = p.funnel.day.Find(key)) delta -= *old;
        p.funnel.Apply(key, delta, false);
        return {};
    });
    if (!ok) return ok;
    p.seq = seq;
    return {};
}

core::Result<void> RollupCache::With(const core::ProgramId& program_id,
                                     const std::function<core::Result<void>(const ProgramRollups&)>& fn) {
    std::lock_guard lock(mu_);
    auto& state = programs_[program_id];
    auto refreshed =
        store_.Transact(ports::TxMode::kRead, [&](ports::StoreTx& tx) { return Refresh(tx, program_id, state); });
    if (!refreshed) {
        state.reset();  // half-applied: load anew next time
        programs_.erase(program_id);
        return refreshed;
    }
    return fn(*state);
}

}  // namespace rt::app
