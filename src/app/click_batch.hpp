#pragma once

#include <span>

#include "app/deps.hpp"
#include "app/rollups.hpp"
#include "core/click.hpp"
#include "core/error.hpp"
#include "ports/store.hpp"

namespace rt::app {

// Everything that follows the insertion of a batch of clicks, inside the batch's write transaction:
// the ledger's "click.batch" events and the report rollups (RollupWrites: kNow for the demo data generator,
// which writes large batches; kPending for the click writer). The click writer's batch hook and the
// demo data generator both call it, so clicks reach the ledger and the reports the same way.
core::Result<void> AfterClicksInserted(const Deps& deps, ports::StoreTx& tx, std::span<const core::Click> clicks,
                                       RollupWrites rollups);

}  // namespace rt::app
