#include "app/click_batch.hpp"

#include "app/event_log.hpp"
#include "app/rollups.hpp"

namespace rt::app {

core::Result<void> AfterClicksInserted(const Deps& deps, ports::StoreTx& tx, std::span<const core::Click> clicks,
                                       RollupWrites rollups) {
    auto seqs = AppendClickBatchEvents(deps, tx, clicks);
    if (!seqs) return core::Fail(seqs.error());
    if (rollups == RollupWrites::kPending) return LeaveClicksPending(tx, clicks, *seqs);
    return RollUpClicks(tx, clicks, *seqs);
}

}  // namespace rt::app
