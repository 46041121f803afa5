#pragma once

#include <span>

#include "app/deps.hpp"
#include "core/click.hpp"
#include "core/error.hpp"
#include "ports/store.hpp"

namespace rt::app {

// How a click batch reaches the report rollups: kNow adds to the cells in the batch's transaction (the
// demo data generator, which writes large batches); kPending leaves one pending row per program, which
// the click writer's chore (PendingRollup) or a report (RollUpPending) adds later: see rollups.hpp.
enum class ClickRollups { kNow, kPending };

// Everything that follows the insertion of a batch of clicks, inside the batch's write transaction:
// the ledger's "click.batch" events and the report rollups. The click writer's batch hook and the
// demo data generator both call it, so clicks reach the ledger and the reports the same way.
core::Result<void> AfterClicksInserted(const Deps& deps, ports::StoreTx& tx, std::span<const core::Click> clicks,
                                       ClickRollups rollups);

}  // namespace rt::app
