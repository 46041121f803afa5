#include "app/rollups.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <vector>

#include "app/event_log.hpp"

namespace rt::app {

namespace {

// The program's newest event seq: every rollup write follows its transaction's event.
core::Result<std::int64_t> VersionOf(ports::StoreTx& tx, const core::ProgramId& program_id) {
    auto last = tx.LastEvent(program_id);
    if (!last) return core::Fail(last.error());
    return last->has_value() ? (*last)->seq : 0;
}

// The clicks' contribution, one program at a time: `fn(deltas, version)` with the program's deltas and its
// seq in `versions` (every program of `clicks` must be in it).
template <class Fn>
core::Result<void> ForEachProgramOf(std::span<const core::Click> clicks,
                                    const std::map<core::ProgramId, std::int64_t>& versions, const Fn& fn) {
    auto deltas = core::ContributionOfClicks(clicks);
    // Deltas come sorted by key, so by program first: one version and one call per program.
    std::size_t begin = 0;
    while (begin < deltas.size()) {
        std::size_t end = begin;
        while (end < deltas.size() && deltas[end].key.program_id == deltas[begin].key.program_id) ++end;
        const auto version = versions.find(deltas[begin].key.program_id);
        if (version == versions.end()) {
            return core::Fail(core::Error::Internal("a click batch's program has no event in its transaction"));
        }
        if (auto ok = fn(std::span<const core::RollupDelta>(deltas).subspan(begin, end - begin), version->second); !ok)
            return core::Fail(ok.error());
        begin = end;
    }
    return {};
}

}  // namespace

core::Result<std::string> LinkOfClick(ports::StoreTx& tx, std::string_view click_id) {
    if (click_id.empty()) return std::string();
    auto id = core::ClickId::Parse(click_id);
    if (!id) return std::string();
    auto click = tx.GetClick(*id);
    if (!click) {
        if (click.error().code() == core::ErrorCode::kNotFound) return std::string();
        return core::Fail(click.error());
    }
    return click->link_id.str();
}

core::Result<core::ConversionFacts> FactsOf(ports::StoreTx& tx, const core::Conversion& c, const KnownFacts& known) {
    core::ConversionFacts facts;
    std::optional<core::Referral> referral;
    std::string referral_link;
    if (c.referral_id) {
        auto r = tx.GetReferral(*c.referral_id);
        if (!r) return core::Fail(r.error());
        referral = *r;
        auto link = LinkOfClick(tx, r->click_id);
        if (!link) return core::Fail(link.error());
        referral_link = *link;
    }
    for (const auto& credit : c.attribution.credits) {
        const auto held = std::find_if(known.clicks.begin(), known.clicks.end(),
                                       [&](const core::Click& k) { return k.id.str() == credit.click_id; });
        if (!credit.click_id.empty() && held != known.clicks.end()) {
            facts.credit_links.push_back(held->link_id.str());
        } else if (!credit.click_id.empty()) {
            auto link = LinkOfClick(tx, credit.click_id);
            if (!link) return core::Fail(link.error());
            facts.credit_links.push_back(*link);
        } else {
            facts.credit_links.push_back(referral && referral->partner_id == credit.partner_id ? referral_link : "");
        }
    }
    facts.source = core::ConversionSource(c, referral ? std::optional(referral->source) : std::nullopt);
    if (known.commissions != nullptr) {
        facts.commissions = *known.commissions;
    } else {
        auto commissions = tx.ListCommissionsOfConversion(c.id);
        if (!commissions) return core::Fail(commissions.error());
        facts.commissions = std::move(*commissions);
    }
    if (c.type == core::ConversionType::kSale && referral && c.journey_started_at) {
        facts.first_sale_of = referral;
        facts.first_sale_link = referral_link;
    }
    return facts;
}

core::Result<void> RollUpClicks(ports::StoreTx& tx, std::span<const core::Click> clicks,
                                const std::map<core::ProgramId, std::int64_t>& versions) {
    return ForEachProgramOf(clicks, versions, [&](std::span<const core::RollupDelta> deltas, std::int64_t version) {
        return tx.AddRollups(deltas, version);
    });
}

core::Result<void> LeaveClicksPending(ports::StoreTx& tx, std::span<const core::Click> clicks,
                                      const std::map<core::ProgramId, std::int64_t>& versions) {
    return ForEachProgramOf(clicks, versions, [&](std::span<const core::RollupDelta> deltas, std::int64_t version) {
        return tx.AddPendingRollups(deltas.front().key.program_id, version, deltas);
    });
}

namespace {

constexpr std::int64_t kAllSeqs = std::numeric_limits<std::int64_t>::max();

// Appends the "clicks.rolled_up" event of a slice of an epoch and adds the slice under its seq; `end`: the
// epoch's rows are deleted and it ends.
core::Result<void> AddSlice(const Deps& deps, ports::StoreTx& tx, const core::ProgramId& program_id,
                            std::int64_t through_seq, std::span<const core::RollupDelta> slice, bool last, bool end) {
    std::int64_t clicks = 0;
    for (const auto& d : slice) clicks += d.add.clicks + d.add.bot_clicks;
    auto event = AppendEvent(deps, tx, program_id, "clicks.rolled_up", program_id.str(),
                             {{"through_seq", std::to_string(through_seq)},
                              {"cells", std::to_string(slice.size())},
                              {"clicks", std::to_string(clicks)},
                              {"epoch_done", last ? "true" : "false"}});
    if (!event) return core::Fail(event.error());
    if (auto ok = tx.AddEpochRollups(slice, event->seq, through_seq); !ok) return ok;
    if (!end) return {};
    if (auto ok = tx.DeletePendingRollups(program_id, through_seq); !ok) return ok;
    return tx.SetRollupEpoch(program_id, std::nullopt);
}

}  // namespace

core::Result<std::int64_t> RollUpPending(const Deps& deps, const core::ProgramId& program_id, std::size_t slice_cells,
                                         int load_rows) {
    // What is pending now: the rows up to the program's newest seq. Rows written later may be added too.
    auto target = ports::Transact<std::int64_t>(deps.store, ports::TxMode::kRead,
                                                [&](ports::StoreTx& tx) -> core::Result<std::int64_t> {
                                                    auto rows = tx.ListPendingRollups(program_id, 0, kAllSeqs, 1);
                                                    if (!rows) return core::Fail(rows.error());
                                                    if (rows->empty()) return 0;
                                                    return VersionOf(tx, program_id);
                                                });
    if (!target) return core::Fail(target.error());
    if (*target == 0) return 0;
    // The chore's steps, for this program only: an epoch under way (the chore's, another node's) is taken up,
    // and no step holds the writer long, so the clicks committing meanwhile wait little.
    PendingRollup rollup(deps, slice_cells, load_rows, kRollUpLoadDeltas, program_id, kRollUpDeleteRows);
    for (;;) {
        auto more = rollup.Step();
        if (!more) return core::Fail(more.error());
        if (*more) continue;
        auto left =
            ports::Transact<bool>(deps.store, ports::TxMode::kRead, [&](ports::StoreTx& tx) -> core::Result<bool> {
                auto rows = tx.ListPendingRollups(program_id, 0, *target, 1);
                if (!rows) return core::Fail(rows.error());
                return !rows->empty();
            });
        if (!left) return core::Fail(left.error());
        if (!*left) return rollup.rows_rolled();
    }
}

PendingRollup::PendingRollup(Deps deps, std::size_t slice_cells, int load_rows, std::size_t load_deltas,
                             std::optional<core::ProgramId> only, std::size_t delete_rows)
    : deps_(deps),
      slice_cells_(std::max<std::size_t>(slice_cells, 1)),
      load_rows_(std::max(load_rows, 1)),
      load_deltas_(std::max<std::size_t>(load_deltas, 1)),
      only_(std::move(only)),
      delete_rows_(std::max<std::size_t>(delete_rows, 1)) {}

core::Result<bool> PendingRollup::Step() {
    if (work_.empty()) {
        auto programs = only_ ? core::Result<std::vector<core::ProgramId>>(std::vector{*only_})
                              : ports::Transact<std::vector<core::ProgramId>>(
                                    deps_.store, ports::TxMode::kRead,
                                    [](ports::StoreTx& tx) { return tx.ListProgramsWithPendingRollups(); });
        if (!programs) return core::Fail(programs.error());
        for (auto& program_id : *programs) work_.push_back({std::move(program_id), std::nullopt, false});
        if (work_.empty()) return false;
    }
    Work& work = work_.front();
    auto done = !work.epoch            ? Begin(work)
                : !work.epoch->read    ? Read(work.program_id, *work.epoch)
                : !work.epoch->written ? Slice(work)
                                       : Delete(work);
    if (!done) {
        // Another program's turn first: one that keeps failing (an unreadable row) holds up no other.
        work_.push_back(std::move(work_.front()));
        work_.pop_front();
        return core::Fail(done.error());
    }
    if (work.done) work_.pop_front();
    return !work_.empty();
}

core::Result<void> PendingRollup::Begin(Work& work) {
    std::optional<std::int64_t> begun;
    auto done = deps_.store.Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<void> {
        begun.reset();
        auto epoch = tx.GetRollupEpoch(work.program_id);  // takes the program first
        if (!epoch) return core::Fail(epoch.error());
        if (epoch->has_value()) {  // left by a crash, or by another node: taken up where its cells say it is
            begun = **epoch;
            return {};
        }
        auto rows = tx.ListPendingRollups(work.program_id, 0, kAllSeqs, 1);
        if (!rows) return core::Fail(rows.error());
        if (rows->empty()) return {};  // another node or process got there first
        // Every pending row's seq is at most the program's newest, and every later row's is above it.
        auto through = VersionOf(tx, work.program_id);
        if (!through) return core::Fail(through.error());
        if (auto ok = tx.SetRollupEpoch(work.program_id, *through); !ok) return ok;
        begun = *through;
        return {};
    });
    if (!done) return done;
    if (begun) {
        work.epoch = Epoch{.through = *begun};
    } else {
        work.done = true;
    }
    return {};
}

// Reading needs no lock: if the epoch ends meanwhile (a report, another node), the rows read may be fewer than
// it had, and the first slice finds the epoch gone and writes nothing.
core::Result<void> PendingRollup::Read(const core::ProgramId& program_id, Epoch& epoch) {
    // A click batch's row holds ~30 deltas, a sale's one per credited partner (and one more for a referral's first
    // sale): a step reads `load_rows_` rows at a time until it has read `load_deltas_` deltas or the epoch's last
    // row, so that an epoch of sales does not take a read transaction per eight of them. The rows are added to the
    // sums once the transaction ended.
    std::vector<core::PendingRollups> got;
    bool all = false;
    auto done = deps_.store.Transact(ports::TxMode::kRead, [&](ports::StoreTx& tx) -> core::Result<void> {
        got.clear();
        all = false;
        std::size_t deltas = 0;
        std::int64_t after = epoch.read_through;
        while (deltas < load_deltas_) {
            auto rows = tx.ListPendingRollups(program_id, after, epoch.through, load_rows_);
            if (!rows) return core::Fail(rows.error());
            for (auto& row : *rows) {
                deltas += row.deltas.size();
                after = row.seq;
                got.push_back(std::move(row));
            }
            if (static_cast<int>(rows->size()) < load_rows_) {
                all = true;
                break;
            }
        }
        return {};
    });
    if (!done) return core::Fail(done.error());
    for (const auto& row : got) {
        core::AddTo(epoch.sums, row.deltas);
        epoch.read_through = row.seq;
        ++epoch.rows;
        epoch.deltas_since_cut += row.deltas.size();
        if (++epoch.rows_since_cut >= delete_rows_ || epoch.deltas_since_cut >= kRollUpDeleteDeltas) {
            epoch.cuts.push_back(row.seq);
            epoch.rows_since_cut = 0;
            epoch.deltas_since_cut = 0;
        }
    }
    if (!all) return {};
    if (!epoch.cuts.empty() && epoch.cuts.back() == epoch.read_through) epoch.cuts.pop_back();  // the end's own
    epoch.read = true;
    epoch.deltas = core::DeltasOf(std::move(epoch.sums));
    epoch.sums.clear();
    return {};
}

// A write transaction for the epoch this node holds: `write` runs only while it is still the program's (the
// check takes the program first), else `gone` is set: ended (by a report, another node) or replaced by a later
// one, what this node holds is stale.
core::Result<void> PendingRollup::WriteWhileHeld(const Work& work, bool& gone,
                                                 const std::function<core::Result<void>(ports::StoreTx&)>& write) {
    return deps_.store.Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<void> {
        auto current = tx.GetRollupEpoch(work.program_id);
        if (!current) return core::Fail(current.error());
        gone = *current != std::optional(work.epoch->through);
        if (gone) return {};
        return write(tx);
    });
}

void PendingRollup::Finish(Work& work, bool gone, bool ended) {
    if (ended && !gone) rows_rolled_ += work.epoch->rows;
    work.done = gone || ended;
}

core::Result<void> PendingRollup::Slice(Work& work) {
    Epoch& epoch = *work.epoch;
    const std::size_t end = std::min(epoch.next + slice_cells_, epoch.deltas.size());
    const bool last = end == epoch.deltas.size();
    const bool ended = last && epoch.cuts.empty();
    bool gone = false;
    auto done = WriteWhileHeld(work, gone, [&](ports::StoreTx& tx) {
        return AddSlice(deps_, tx, work.program_id, epoch.through,
                        std::span(epoch.deltas).subspan(epoch.next, end - epoch.next), last, ended);
    });
    if (!done) return done;
    epoch.next = end;
    epoch.written = last;
    Finish(work, gone, ended);
    return {};
}

// Every cell has the epoch: its rows go, up to the next cut, and after the last cut the rest with the epoch.
core::Result<void> PendingRollup::Delete(Work& work) {
    Epoch& epoch = *work.epoch;
    const bool ended = epoch.next_cut >= epoch.cuts.size();
    bool gone = false;
    auto done = WriteWhileHeld(work, gone, [&](ports::StoreTx& tx) -> core::Result<void> {
        if (!ended) return tx.DeletePendingRollups(work.program_id, epoch.cuts[epoch.next_cut]);
        if (auto ok = tx.DeletePendingRollups(work.program_id, epoch.through); !ok) return ok;
        return tx.SetRollupEpoch(work.program_id, std::nullopt);
    });
    if (!done) return done;
    ++epoch.next_cut;
    Finish(work, gone, ended);
    return {};
}

core::Result<void> RollUpNewReferral(ports::StoreTx& tx, const core::Referral& referral) {
    auto version = VersionOf(tx, referral.program_id);
    if (!version) return core::Fail(version.error());
    auto link = LinkOfClick(tx, referral.click_id);
    if (!link) return core::Fail(link.error());
    const core::RollupDelta delta = core::ContributionOfReferral(referral, *link);
    if (auto ok = tx.AddRollups(std::span(&delta, 1), *version); !ok) return core::Fail(ok.error());
    const auto funnel = core::FunnelOfReferral(referral, *link);
    return tx.AddFunnelRollups(funnel, *version);
}

core::Result<void> RollUpReferralChange(ports::StoreTx& tx, const core::Referral& before, const core::Referral& after) {
    if (before.history == after.history) return {};
    auto version = VersionOf(tx, after.program_id);
    if (!version) return core::Fail(version.error());
    auto link = LinkOfClick(tx, after.click_id);
    if (!link) return core::Fail(link.error());
    std::map<core::FunnelKey, core::FunnelMeasures> change;
    for (auto& d : core::FunnelOfReferral(after, *link)) change[d.key] += d.add;
    for (auto& d : core::FunnelOfReferral(before, *link)) change[d.key] -= d.add;
    std::vector<core::FunnelDelta> deltas;
    for (auto& [key, m] : change)
        if (!m.IsZero()) deltas.push_back({key, std::move(m)});
    if (deltas.empty()) return {};
    return tx.AddFunnelRollups(deltas, *version);
}

core::Result<void> RollUpConversion(ports::StoreTx& tx, const core::Conversion& conversion, const KnownFacts& known,
                                    RollupWrites writes) {
    if (conversion.attribution.credits.empty()) return {};  // unattributed: no partner's cell
    auto version = VersionOf(tx, conversion.program_id);
    if (!version) return core::Fail(version.error());
    auto facts = FactsOf(tx, conversion, known);
    if (!facts) return core::Fail(facts.error());
    const auto deltas = core::ContributionOfConversion(conversion, *facts);
    if (deltas.empty()) return {};
    // The version is the seq of the conversion's last event, its own: one pending row per conversion.
    if (writes == RollupWrites::kPending) return tx.AddPendingRollups(conversion.program_id, *version, deltas);
    return tx.AddRollups(deltas, *version);
}

}  // namespace rt::app
