#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/calendar.hpp"
#include "core/error.hpp"
#include "core/program.hpp"
#include "core/rollup.hpp"
#include "ports/store.hpp"

namespace rt::app {

// A rollup cell's key with its strings interned per program (indexes into ProgramRollups' tables).
// A "total" cell has partner, link and source -1: the sum over all of them.
struct PackedKey {
    core::Day day = 0;
    std::int32_t partner = -1;
    std::int32_t link = -1;
    std::int16_t source = -1;
    std::int16_t stage = -1;  // funnel cells only

    bool operator==(const PackedKey&) const = default;
};

struct PackedKeyHash {
    std::size_t operator()(const PackedKey& k) const noexcept;
};

// One set of cells, indexed by day and by partner. Entries never move once created.
template <class M>
class CellSet {
  public:
    struct Entry {
        PackedKey key;
        M measures;
    };

    void Add(const PackedKey& key, const M& delta);
    void Subtract(const PackedKey& key, const M& delta);
    const M* Find(const PackedKey& key) const;
    // The entries of one day (a month's first day in a month set); nullptr when none.
    const std::vector<Entry*>* OfDay(core::Day day) const;
    const std::vector<Entry*>* OfPartner(std::int32_t partner) const;
    std::size_t size() const { return entries_.size(); }

  private:
    Entry& At(const PackedKey& key);

    std::deque<Entry> entries_;
    std::unordered_map<PackedKey, Entry*, PackedKeyHash> index_;
    std::unordered_map<core::Day, std::vector<Entry*>> by_day_;
    std::unordered_map<std::int32_t, std::vector<Entry*>> by_partner_;
};

// Every cell at six levels: by day and by month, each per (partner, link, source[, stage]), per partner
// alone (link and source -1), and as totals over partners, links and sources. A change is applied to all
// six. A report reads the coarsest level that still tells its groups and filters apart.
template <class M>
struct Levels {
    CellSet<M> day;
    CellSet<M> month;
    CellSet<M> partner_day;
    CellSet<M> partner_month;
    CellSet<M> total_day;
    CellSet<M> total_month;

    void Apply(PackedKey key, const M& delta, bool subtract);
};

struct LinkInfo {
    std::string id;  // "" for index 0: traffic through no link
    std::string code;
    std::string partner_id;
    std::int32_t campaign = 0;  // index into ProgramRollups::campaigns
    std::int32_t channel = 0;   // index into ProgramRollups::channels
};

// Interned strings: index ↔ value. Indexes are never reused.
struct Interned {
    std::vector<std::string> values;
    std::unordered_map<std::string, std::int32_t> index;

    std::int32_t Intern(const std::string& value);
    std::int32_t Find(const std::string& value) const;  // -1 when unknown
};

// A program's rollups in memory, current up to event seq `seq`.
struct ProgramRollups {
    core::Program program;
    std::int64_t seq = 0;
    Interned partners;                       // partner ids
    std::vector<std::string> partner_names;  // by partner index
    std::vector<LinkInfo> links;             // by link index; 0 is "no link"
    std::unordered_map<std::string, std::int32_t> link_index;
    Interned campaigns;  // index 0 is ""
    Interned channels;   // index 0 is ""
    Interned sources;
    Interned stages;
    Levels<core::Measures> cells;
    Levels<core::FunnelMeasures> funnel;
};

// THE REPORT CACHE: each program's rollup cells in memory, so a report adds up a few thousand cells in
// memory instead of asking the database for hundreds of thousands of rows. Before each use, a program is
// brought up to date in one read transaction: its newest event seq is compared with the one the cache
// holds; when it moved, the cells written since (their version is the event seq of the write) replace
// the cached ones, and when a partner, link or program changed in between, their names and campaigns
// are reloaded. A `rollups.rebuilt` event drops the program and loads it anew. So every node (and every
// process: the CLI writes too) sees every committed write, at the cost of one indexed read per report.
// Thread-safe: one mutex; a report runs under it.
class RollupCache {
  public:
    explicit RollupCache(ports::Store& store) : store_(store) {}

    // Refreshes the program and runs `fn` on it. kNotFound when the program does not exist.
    core::Result<void> With(const core::ProgramId& program_id,
                            const std::function<core::Result<void>(const ProgramRollups&)>& fn);

  private:
    core::Result<void> Refresh(ports::StoreTx& tx, const core::ProgramId& program_id,
                               std::unique_ptr<ProgramRollups>& state);

    ports::Store& store_;
    std::mutex mu_;
    std::map<core::ProgramId, std::unique_ptr<ProgramRollups>> programs_;  // guarded by mu_
};

}  // namespace rt::app
