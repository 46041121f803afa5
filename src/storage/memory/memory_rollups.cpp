// The memory store's report rollups and the program-wide scans that rebuild them: MemoryTx's methods for
// them, with the SQLite store's rules.
#include <algorithm>
#include <limits>
#include <vector>

#include "storage/memory/memory_tx.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage {

namespace {

// The smallest key of the program: its cells are the range of the map that starts here.
template <class Key>
Key FirstKeyOf(const core::ProgramId& program_id) {
    Key key;
    key.program_id = program_id;
    key.day = std::numeric_limits<core::Day>::min();
    return key;
}

// Adds each delta to its cell (created when missing) and stamps the cell with `version`.
template <class Key, class Cell, class Delta>
void AddTo(std::map<Key, Cell>& cells, std::span<const Delta> deltas, std::int64_t version) {
    for (const auto& delta : deltas) {
        auto [it, created] = cells.try_emplace(delta.key);
        if (created) it->second.key = delta.key;
        it->second.measures += delta.add;
        it->second.version = version;
    }
}

// Calls `fn` with a copy of each row of `table` from `from` on, in key order, while `keep(key)` holds and
// `visit(row)` says so. The next row is looked up after each call, so `fn` may change the table.
template <class Key, class T, class Keep, class Visit, class Fn>
Result<void> WalkFrom(const std::map<Key, T>& table, const Key& from, Keep keep, Visit visit, const Fn& fn) {
    auto it = table.lower_bound(from);
    while (it != table.end() && keep(it->first)) {
        if (!visit(it->second)) {
            ++it;
            continue;
        }
        const Key key = it->first;
        const T row = it->second;
        if (auto done = fn(row); !done) return done;
        it = table.upper_bound(key);
    }
    return {};
}

template <class Key, class Cell, class Fn>
Result<void> WalkCells(const std::map<Key, Cell>& cells, const core::ProgramId& program_id, std::int64_t after_version,
                       const Fn& fn) {
    return WalkFrom(
        cells, FirstKeyOf<Key>(program_id), [&](const Key& key) { return key.program_id == program_id; },
        [&](const Cell& cell) { return cell.version > after_version; }, fn);
}

// Rows of a table keyed by id, of the program, in id order.
template <class Id, class T, class Fn>
Result<void> WalkProgramRows(const std::map<Id, T>& table, const core::ProgramId& program_id, const Fn& fn) {
    return WalkFrom(
        table, Id(), [](const Id&) { return true; }, [&](const T& row) { return row.program_id == program_id; }, fn);
}

template <class Key, class Cell>
void EraseProgram(std::map<Key, Cell>& cells, const core::ProgramId& program_id) {
    auto first = cells.lower_bound(FirstKeyOf<Key>(program_id));
    auto last = first;
    while (last != cells.end() && last->first.program_id == program_id) ++last;
    cells.erase(first, last);
}

}  // namespace

Result<void> MemoryTx::AddRollups(std::span<const core::RollupDelta> deltas, std::int64_t version) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    AddTo((*tables)->rollup_cells, deltas, version);
    return {};
}

Result<void> MemoryTx::AddFunnelRollups(std::span<const core::FunnelDelta> deltas, std::int64_t version) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    AddTo((*tables)->funnel_cells, deltas, version);
    return {};
}

Result<void> MemoryTx::ForEachRollup(const core::ProgramId& program_id, std::int64_t after_version,
                                     const RollupFn& fn) {
    return WalkCells(read_.rollup_cells, program_id, after_version, fn);
}

Result<void> MemoryTx::ForEachFunnelRollup(const core::ProgramId& program_id, std::int64_t after_version,
                                           const FunnelFn& fn) {
    return WalkCells(read_.funnel_cells, program_id, after_version, fn);
}

Result<void> MemoryTx::DeleteRollups(const core::ProgramId& program_id) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    EraseProgram((*tables)->rollup_cells, program_id);
    EraseProgram((*tables)->funnel_cells, program_id);
    return {};
}

Result<void> MemoryTx::AddPendingRollups(const core::ProgramId& program_id, std::int64_t seq,
                                         std::span<const core::RollupDelta> deltas) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    auto& pending = (*tables)->pending_rollups[program_id];
    auto& mine = pending_seqs_[program_id];
    if (pending.contains(seq) || mine.contains(seq)) {
        return core::Fail(core::Error::Conflict(std::string(kPendingRollupsTaken)));
    }
    // One row per program and transaction, under the highest seq it added, the deltas added up by key.
    core::RollupSums sums;
    if (!mine.empty()) {
        if (auto row = pending.find(*mine.rbegin()); row != pending.end()) {
            core::AddTo(sums, row->second);
            pending.erase(row);
        }
    }
    mine.insert(seq);
    core::AddTo(sums, deltas);
    pending.emplace(*mine.rbegin(), core::DeltasOf(std::move(sums)));
    return {};
}

Result<std::vector<core::PendingRollups>> MemoryTx::ListPendingRollups(const core::ProgramId& program_id,
                                                                       std::int64_t after_seq, std::int64_t through_seq,
                                                                       int limit) {
    std::vector<core::PendingRollups> out;
    auto program = read_.pending_rollups.find(program_id);
    if (program == read_.pending_rollups.end()) return out;
    for (auto it = program->second.upper_bound(after_seq); it != program->second.end(); ++it) {
        if (static_cast<int>(out.size()) >= limit || it->first > through_seq) break;
        out.push_back({it->first, it->second});
    }
    return out;
}

Result<std::optional<std::int64_t>> MemoryTx::GetRollupEpoch(const core::ProgramId& program_id) {
    auto it = read_.rollup_epochs.find(program_id);
    if (it == read_.rollup_epochs.end()) return std::optional<std::int64_t>();
    return std::optional(it->second);
}

Result<void> MemoryTx::SetRollupEpoch(const core::ProgramId& program_id, std::optional<std::int64_t> through_seq) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    if (through_seq) {
        (*tables)->rollup_epochs.insert_or_assign(program_id, *through_seq);
    } else {
        (*tables)->rollup_epochs.erase(program_id);
    }
    return {};
}

Result<void> MemoryTx::AddEpochRollups(std::span<const core::RollupDelta> deltas, std::int64_t version,
                                       std::int64_t through_seq) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    for (const auto& delta : deltas) {
        auto [it, created] = (*tables)->rollup_cells.try_emplace(delta.key);
        auto& cell = it->second;
        if (created) cell.key = delta.key;
        if (!created && cell.rolled_through >= through_seq) continue;
        cell.measures += delta.add;
        cell.version = version;
        cell.rolled_through = through_seq;
    }
    return {};
}

Result<void> MemoryTx::DeletePendingRollups(const core::ProgramId& program_id, std::int64_t through_seq) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    auto program = (*tables)->pending_rollups.find(program_id);
    if (program == (*tables)->pending_rollups.end()) return {};
    auto& rows = program->second;
    rows.erase(rows.begin(), rows.upper_bound(through_seq));
    if (rows.empty()) (*tables)->pending_rollups.erase(program);
    return {};
}

Result<std::vector<core::ProgramId>> MemoryTx::ListProgramsWithPendingRollups() {
    std::vector<core::ProgramId> out;
    for (const auto& [program_id, rows] : read_.pending_rollups) {
        if (!rows.empty()) out.push_back(program_id);
    }
    return out;
}

Result<void> MemoryTx::ForEachClick(const core::ProgramId& program_id,
                                    const std::function<Result<void>(const core::Click&)>& fn) {
    // Batches are in insertion order, not id order: sort pointers to the program's clicks. Stored batches
    // never change or move, so the pointers stay valid whatever `fn` writes.
    std::vector<const core::Click*> clicks;
    for (const auto& batch : read_.click_batches) {
        for (const auto& c : batch->clicks) {
            if (c.program_id == program_id) clicks.push_back(&c);
        }
    }
    std::sort(clicks.begin(), clicks.end(), [](const core::Click* a, const core::Click* b) { return a->id < b->id; });
    for (const auto* click : clicks) {
        if (auto done = fn(*click); !done) return done;
    }
    return {};
}

Result<void> MemoryTx::ForEachReferral(const core::ProgramId& program_id,
                                       const std::function<Result<void>(const core::Referral&)>& fn) {
    return WalkProgramRows(read_.referrals, program_id, fn);
}

Result<void> MemoryTx::ForEachConversion(const core::ProgramId& program_id,
                                         const std::function<Result<void>(const core::Conversion&)>& fn) {
    return WalkProgramRows(read_.conversions, program_id, fn);
}

}  // namespace rt::storage
