#include "app/click_batch.hpp"

#include "app/event_log.hpp"
#include "app/rollups.hpp"

namespace rt::app {

core::Result<void> AfterClicksInserted(const Deps& deps, ports::StoreTx& tx, std::span<const core::Click> clicks) {
    if (auto ok = AppendClickBatchEvents(deps, tx, clicks); !ok) return ok;
    return RollUpClicks(tx, clicks);
}

}  // namespace rt::app
