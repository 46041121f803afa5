#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/deps.hpp"
#include "core/error.hpp"

namespace rt::app {

struct RebuildReport {
    std::int64_t programs = 0;
    std::int64_t clicks = 0;
    std::int64_t referrals = 0;
    std::int64_t conversions = 0;
    std::int64_t cells = 0;         // rollup cells rebuilt (not all zero)
    std::int64_t funnel_cells = 0;  // funnel cells rebuilt
    // --check: the cells where the maintained rollups differ from a rebuild (the first 20, each one
    // line naming the program, the cell and the measures), and how many in all.
    std::vector<std::string> differences;
    std::int64_t difference_count = 0;
};

// `reftrack rollups rebuild`: every program's rollups computed anew from its raw rows (clicks,
// referrals, conversions and commissions) with the same contribution functions the writes use
// (core/rollup.hpp, app/rollups.hpp). Without `check`, each program's cells are replaced in one write
// transaction that also appends a "rollups.rebuilt" event (report caches reload on seeing it); with
// `check`, nothing is written and the maintained cells are compared with the rebuild. A cell whose
// measures are all zero counts as absent. Blocking; holds one program's cells in memory at a time.
core::Result<RebuildReport> RebuildRollups(const Deps& deps, bool check);

}  // namespace rt::app
