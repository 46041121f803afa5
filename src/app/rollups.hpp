#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/deps.hpp"
#include "core/click.hpp"
#include "core/conversion.hpp"
#include "core/error.hpp"
#include "core/referral.hpp"
#include "core/rollup.hpp"
#include "ports/store.hpp"

namespace rt::app {

// KEEPING THE REPORT ROLLUPS. Each write that changes what reports count calls one of these inside its
// own write transaction, after appending its ledger event(s): the cells it touches are stamped with
// the program's newest event seq, so the report cache can fetch just what changed since it last looked.
// The contributions come from core/rollup.hpp; rollup_rebuild.hpp computes them again from raw rows
// with the same resolvers below, so a rebuild equals what the writes maintained. Click batches may leave
// theirs pending instead (LeaveClicksPending), to be added in epochs (below).

// The link a click went through: "" when the id is empty, malformed or unknown.
core::Result<std::string> LinkOfClick(ports::StoreTx& tx, std::string_view click_id);

// Rows the writer of a conversion already holds from the same transaction, so that FactsOf need not read
// them again (on PostgreSQL each read is a round trip): the conversion's commissions as inserted (all of
// them), and clicks among which a credit's click may be found (the visitor's history attribution read).
// A credit whose click is not among them is looked up as usual.
struct KnownFacts {
    const std::vector<core::Commission>* commissions = nullptr;
    std::span<const core::Click> clicks;
};

// The facts a conversion's contribution needs, read from the rows as they stand in `tx` (the
// conversion's commissions must already be inserted), except what `known` holds. A sale with both
// referral_id and journey_started_at is its referral's first sale.
core::Result<core::ConversionFacts> FactsOf(ports::StoreTx& tx, const core::Conversion& conversion,
                                            const KnownFacts& known = {});

// `versions`: each program's event seq in this transaction (AppendClickBatchEvents' answer), so that
// finding it costs no query; every program of `clicks` must be in it.
core::Result<void> RollUpClicks(ports::StoreTx& tx, std::span<const core::Click> clicks,
                                const std::map<core::ProgramId, std::int64_t>& versions);
// The same contribution left PENDING instead (the click writer's way): one row per program of the batch,
// keyed by its click.batch event's seq, instead of an upsert per cell. Cheap in the redirect's transaction:
// the cells (random pages of rollup_cells and its version index) are written later, many batches at once.
core::Result<void> LeaveClicksPending(ports::StoreTx& tx, std::span<const core::Click> clicks,
                                      const std::map<core::ProgramId, std::int64_t>& versions);

// ROLLING PENDING DELTAS UP. A program's pending rows are added to its cells in EPOCHS (ports/store.hpp): the
// rows up to a seq, added up by cell, and written in key order, a slice of cells per write transaction; each
// slice appends a "clicks.rolled_up" event (its seq is the version of the cells it writes, as the report cache
// requires), and the last one deletes the epoch's rows and ends it. A cell remembers the last epoch it got, so
// a slice written again (after a crash, or by two nodes at once) adds nothing, and a crash anywhere loses
// nothing: the rows stay until their epoch is done.

// A roll-up step writes at most this many cells, or reads at most this many pending rows; measured in
// docs/benchmarks.md ("Click rollups out of the redirect's transaction"; 64 cells until "Shorter chore
// slices": a slice of 64 held the writer for 1.4 ms at the median and up to ~9 ms beside a busy ingest).
inline constexpr std::size_t kRollUpSliceCells = 24;
inline constexpr int kRollUpLoadRows = 8;
inline constexpr std::size_t kRollUpLoadDeltas = 256;  // a read step goes on past 8 rows up to this many deltas
                                                       // (a sale's row holds one per credit, or so)
// Once every cell of an epoch is written, its pending rows are deleted at most this many at a time (or rows
// holding this many deltas), a write transaction each: deleting 3 s of sales (~30,000 rows) at once held the
// writer for ~25 ms, and a click epoch's rows cut at 8,192 deltas held it 2.4 ms at the median, ~1 ms of the
// redirect's p99 (docs/benchmarks.md, "Shorter delete steps").
inline constexpr std::size_t kRollUpDeleteRows = 1024;
inline constexpr std::size_t kRollUpDeleteDeltas = 2048;

// Everything pending for the program, now: the PendingRollup steps below, for this program only, until no row
// pending at the call is left (an epoch under way, the chore's or another node's, is taken up). Every report
// calls it first (ReportService), so reports count every committed click, and no step holds the writer long
// while it does. Returns the rows of the epochs it ended; a first read transaction skips everything when
// nothing is pending.
core::Result<std::int64_t> RollUpPending(const Deps& deps, const core::ProgramId& program_id,
                                         std::size_t slice_cells = kRollUpSliceCells, int load_rows = kRollUpLoadRows);

// The click writer's chore (server/tracking.cpp): one short step per call, so that the clicks waiting meanwhile
// wait little, however many rows are pending. Not thread-safe: one caller.
class PendingRollup {
  public:
    // A step reads pending rows `load_rows` at a time until it has `load_deltas` deltas (or the epoch's last
    // row), or writes at most `slice_cells` cells. `only`: that program's rows only (RollUpPending); else every
    // program's.
    // Once its cells are all written, an epoch's rows are deleted `delete_rows` at a time (see kRollUpDeleteRows).
    explicit PendingRollup(Deps deps, std::size_t slice_cells = kRollUpSliceCells, int load_rows = kRollUpLoadRows,
                           std::size_t load_deltas = kRollUpLoadDeltas,
                           std::optional<core::ProgramId> only = std::nullopt,
                           std::size_t delete_rows = kRollUpDeleteRows);

    // One of: finds the programs with pending rows (when it has none to work on) and begins the first one's
    // epoch (a small write transaction; an epoch left by a crash or another node is taken up), reads the next
    // rows of an epoch (a read transaction), writes its next slice of cells, or, once they are all written,
    // deletes its next rows (the last such step ends the epoch; an epoch with no cut, under `delete_rows` rows
    // and kRollUpDeleteDeltas deltas, is ended by its last slice). A crash between those steps leaves the epoch to be
    // taken up: its cells already have it, so its slices written again add nothing. Programs are worked on in turn, an
    // epoch at a time. True while work is left: call again soon. On an error nothing is lost; that program goes to the
    // back of the line and a later call retries.
    core::Result<bool> Step();

    // The pending rows of the epochs this object ended (by its own last slice or last deletion step).
    std::int64_t rows_rolled() const { return rows_rolled_; }

  private:
    struct Epoch {
        std::int64_t through = 0;
        std::int64_t read_through = 0;          // the rows up to this seq are in `sums`
        std::int64_t rows = 0;                  // how many
        bool read = false;                      // all of them
        core::RollupSums sums;                  // while reading
        std::vector<core::RollupDelta> deltas;  // then: one per cell, in key order
        std::size_t next = 0;                   // the first not yet written
        bool written = false;                   // every cell is written
        std::vector<std::int64_t> cuts;         // seqs where its rows' deletion stops on the way
        std::size_t rows_since_cut = 0;
        std::size_t deltas_since_cut = 0;
        std::size_t next_cut = 0;  // once the cells are written: the first cut not yet deleted up to
    };
    struct Work {
        core::ProgramId program_id;
        std::optional<Epoch> epoch;  // once begun
        bool done = false;
    };
    core::Result<void> Begin(Work& work);
    core::Result<void> Read(const core::ProgramId& program_id, Epoch& epoch);
    core::Result<void> Slice(Work& work);
    core::Result<void> Delete(Work& work);
    core::Result<void> WriteWhileHeld(const Work& work, bool& gone,
                                      const std::function<core::Result<void>(ports::StoreTx&)>& write);
    void Finish(Work& work, bool gone, bool ended);

    Deps deps_;
    std::size_t slice_cells_;
    int load_rows_;
    std::size_t load_deltas_;
    std::optional<core::ProgramId> only_;
    std::size_t delete_rows_;
    std::deque<Work> work_;  // the front is worked on
    std::int64_t rows_rolled_ = 0;
};

core::Result<void> RollUpNewReferral(ports::StoreTx& tx, const core::Referral& referral);
// A change of stage history: the funnel cells move from `before` to `after`.
core::Result<void> RollUpReferralChange(ports::StoreTx& tx, const core::Referral& before, const core::Referral& after);
// How a write reaches the report cells: kNow adds to them in the write's transaction; kPending leaves a
// pending row (StoreTx::AddPendingRollups, keyed by the program's seq after the write), which the click
// writer's chore (PendingRollup) or a report (RollUpPending) adds later. Both give the same cells.
enum class RollupWrites { kNow, kPending };

core::Result<void> RollUpConversion(ports::StoreTx& tx, const core::Conversion& conversion,
                                    const KnownFacts& known = {}, RollupWrites writes = RollupWrites::kNow);

}  // namespace rt::app
