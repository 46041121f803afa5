#include "app/click_batch.hpp"

#include "app/event_log.hpp"

namespace rt::app {

core::Result<void> AfterClicksInserted(const Deps& deps, ports::StoreTx& tx, std::span<const core::Click> clicks) {
    return AppendClickBatchEvents(deps, tx, clicks);
}

}  // namespace rt::app
