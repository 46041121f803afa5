#include "app/rollup_rebuild.hpp"

#include <limits>
#include <map>

#include "app/event_log.hpp"
#include "app/paging.hpp"
#include "app/rollups.hpp"
#include "core/rollup.hpp"

namespace rt::app {

namespace {

constexpr std::size_t kClickChunk = 10'000;
constexpr std::size_t kMaxListed = 20;

struct Rebuilt {
    std::map<core::RollupKey, core::Measures> cells;
    std::map<core::FunnelKey, core::FunnelMeasures> funnel;
};

core::Result<Rebuilt> Compute(ports::StoreTx& tx, const core::ProgramId& program_id, RebuildReport& report) {
    Rebuilt out;
    std::vector<core::Click> chunk;
    auto flush = [&] {
        for (auto& d : core::ContributionOfClicks(chunk)) out.cells[d.key] += d.add;
        chunk.clear();
    };
    auto ok = tx.ForEachClick(program_id, [&](const core::Click& c) -> core::Result<void> {
        ++report.clicks;
        chunk.push_back(c);
        if (chunk.size() == kClickChunk) flush();
        return {};
    });
    if (!ok) return core::Fail(ok.error());
    flush();
    ok = tx.ForEachReferral(program_id, [&](const core::Referral& r) -> core::Result<void> {
        ++report.referrals;
        auto link = LinkOfClick(tx, r.click_id);
        if (!link) return core::Fail(link.error());
        auto d = core::ContributionOfReferral(r, *link);
        out.cells[d.key] += d.add;
        for (auto& f : core::FunnelOfReferral(r, *link)) out.funnel[f.key] += f.add;
        return {};
    });
    if (!ok) return core::Fail(ok.error());
    ok = tx.ForEachConversion(program_id, [&](const core::Conversion& c) -> core::Result<void> {
        ++report.conversions;
        if (c.attribution.credits.empty()) return {};
        auto facts = FactsOf(tx, c);
        if (!facts) return core::Fail(facts.error());
        for (auto& d : core::ContributionOfConversion(c, *facts)) out.cells[d.key] += d.add;
        return {};
    });
    if (!ok) return core::Fail(ok.error());
    std::erase_if(out.cells, [](const auto& kv) { return kv.second.IsZero(); });
    std::erase_if(out.funnel, [](const auto& kv) { return kv.second.IsZero(); });
    return out;
}

std::string Show(const core::Measures& m) {
    return "clicks=" + std::to_string(m.clicks) + " unique=" + std::to_string(m.unique_clicks) +
           " bots=" + std::to_string(m.bot_clicks) + " referrals=" + std::to_string(m.referrals) +
           " conversions_ppm=" + std::to_string(m.conversions_ppm) + " refunds_ppm=" + std::to_string(m.refunds_ppm) +
           " sales=" + std::to_string(m.sales_minor) + " refunded=" + std::to_string(m.refunded_minor) +
           " commission=" + std::to_string(m.commission_minor) + " converted=" + std::to_string(m.converted) + "/" +
           std::to_string(m.converted_7d) + "/" + std::to_string(m.converted_30d) + "/" +
           std::to_string(m.converted_90d) + " ttc=[" + m.time_to_conversion.Encode() + "]";
}

std::string Show(const core::FunnelMeasures& m) {
    return "entered=" + std::to_string(m.entered) + " moved_on=" + std::to_string(m.moved_on) + " time=[" +
           m.time_in_stage.Encode() + "]";
}

// Compares maintained cells (streamed) with rebuilt ones; every difference is counted, the first listed.
template <class Key, class M>
class Comparison {
  public:
    Comparison(std::map<Key, M>& rebuilt, RebuildReport& report) : rebuilt_(rebuilt), report_(report) {}

    void Maintained(const Key& key, const M& m) {
        auto it = rebuilt_.find(key);
        if (it == rebuilt_.end()) {
            if (!m.IsZero()) Differ(core::Describe(key) + ": maintained " + Show(m) + ", rebuilt nothing");
            return;
        }
        if (!(it->second == m))
            Differ(core::Describe(key) + ": maintained " + Show(m) + ", rebuilt " + Show(it->second));
        rebuilt_.erase(it);
    }

    void Finish() {
        for (const auto& [key, m] : rebuilt_) Differ(core::Describe(key) + ": maintained nothing, rebuilt " + Show(m));
    }

  private:
    void Differ(std::string line) {
        ++report_.difference_count;
        if (report_.differences.size() < kMaxListed) report_.differences.push_back(std::move(line));
    }

    std::map<Key, M>& rebuilt_;
    RebuildReport& report_;
};

core::Result<void> Check(ports::StoreTx& tx, const core::ProgramId& program_id, Rebuilt& rebuilt,
                         RebuildReport& report) {
    // What is maintained: the cells plus the deltas still pending, less those of an epoch under way that a
    // cell already has (its rolled_through reached the epoch).
    std::map<core::RollupKey, core::RollupCell> maintained;
    auto ok = tx.ForEachRollup(program_id, 0, [&](const core::RollupCell& c) -> core::Result<void> {
        maintained.emplace(c.key, c);
        return {};
    });
    if (!ok) return ok;
    auto epoch = tx.GetRollupEpoch(program_id);
    if (!epoch) return core::Fail(epoch.error());
    auto pending =
        tx.ListPendingRollups(program_id, 0, std::numeric_limits<std::int64_t>::max(), std::numeric_limits<int>::max());
    if (!pending) return core::Fail(pending.error());
    for (const auto& row : *pending) {
        for (const auto& d : row.deltas) {
            auto& cell = maintained[d.key];
            const bool in_epoch = epoch->has_value() && row.seq <= **epoch;
            if (in_epoch && cell.rolled_through >= **epoch) continue;
            cell.measures += d.add;
        }
    }
    Comparison<core::RollupKey, core::Measures> cells(rebuilt.cells, report);
    for (const auto& [key, cell] : maintained) cells.Maintained(key, cell.measures);
    cells.Finish();
    Comparison<core::FunnelKey, core::FunnelMeasures> funnel(rebuilt.funnel, report);
    ok = tx.ForEachFunnelRollup(program_id, 0, [&](const core::FunnelCell& c) -> core::Result<void> {
        funnel.Maintained(c.key, c.measures);
        return {};
    });
    if (!ok) return ok;
    funnel.Finish();
    return {};
}

core::Result<void> Replace(const Deps& deps, ports::StoreTx& tx, const core::ProgramId& program_id,
                           const Rebuilt& rebuilt) {
    auto event = AppendEvent(
        deps, tx, program_id, "rollups.rebuilt", program_id.str(),
        {{"cells", std::to_string(rebuilt.cells.size())}, {"funnel_cells", std::to_string(rebuilt.funnel.size())}});
    if (!event) return core::Fail(event.error());
    if (auto ok = tx.DeleteRollups(program_id); !ok) return ok;
    // The raw clicks count the pending ones too.
    if (auto ok = tx.DeletePendingRollups(program_id, std::numeric_limits<std::int64_t>::max()); !ok) return ok;
    if (auto ok = tx.SetRollupEpoch(program_id, std::nullopt); !ok) return ok;
    std::vector<core::RollupDelta> cells;
    cells.reserve(rebuilt.cells.size());
    for (const auto& [key, m] : rebuilt.cells) cells.push_back({key, m});
    if (auto ok = tx.AddRollups(cells, event->seq); !ok) return ok;
    std::vector<core::FunnelDelta> funnel;
    for (const auto& [key, m] : rebuilt.funnel) funnel.push_back({key, m});
    return tx.AddFunnelRollups(funnel, event->seq);
}

}  // namespace

core::Result<RebuildReport> RebuildRollups(const Deps& deps, bool check) {
    RebuildReport report;
    std::vector<core::Program> programs;
    auto listed = deps.store.Transact(ports::TxMode::kRead, [&](ports::StoreTx& tx) {
        return ForEachPage<core::Program>([&](const core::PageRequest& page) { return tx.ListPrograms(page); },
                                          programs);
    });
    if (!listed) return core::Fail(listed.error());
    for (const auto& program : programs) {
        ++report.programs;
        auto done = deps.store.Transact(check ? ports::TxMode::kRead : ports::TxMode::kWrite,
                                        [&](ports::StoreTx& tx) -> core::Result<void> {
                                            // A writer takes the program before reading its rows (on
                                            // PostgreSQL, its lock): no click batch commits in between.
                                            if (!check) {
                                                if (auto last = tx.LastEvent(program.id); !last)
                                                    return core::Fail(last.error());
                                            }
                                            auto rebuilt = Compute(tx, program.id, report);
                                            if (!rebuilt) return core::Fail(rebuilt.error());
                                            report.cells += static_cast<std::int64_t>(rebuilt->cells.size());
                                            report.funnel_cells += static_cast<std::int64_t>(rebuilt->funnel.size());
                                            if (check) return Check(tx, program.id, *rebuilt, report);
                                            return Replace(deps, tx, program.id, *rebuilt);
                                        });
        if (!done) return core::Fail(done.error());
    }
    return report;
}

}  // namespace rt::app
