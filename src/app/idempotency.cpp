#include "app/idempotency.hpp"

namespace rt::app {

core::Result<std::optional<ports::IdempotencyRecord>> IdempotencyKeys::Find(std::string_view scope,
                                                                            std::string_view key) {
    using Found = std::optional<ports::IdempotencyRecord>;
    return ports::Transact<Found>(deps_.store, ports::TxMode::kRead,
                                  [&](ports::StoreTx& tx) { return tx.FindIdempotency(scope, key); });
}

core::Result<void> IdempotencyKeys::Remember(ports::IdempotencyRecord record) {
    record.created_at = deps_.clock.Now();
    auto done =
        deps_.store.Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) { return tx.InsertIdempotency(record); });
    if (!done && done.error().code() == core::ErrorCode::kConflict) return {};
    return done;
}

}  // namespace rt::app
