// The memory store's answers kept for Idempotency-Key repeats.
#include "storage/memory/memory_query.hpp"
#include "storage/memory/memory_tx.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage {

Result<void> MemoryTx::InsertIdempotency(const ports::IdempotencyRecord& record) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    if (!(*tables)->idempotency.emplace(std::pair{record.scope, record.key}, record).second) {
        return core::Fail(Conflict(kIdempotencyKeyTaken));
    }
    return {};
}

Result<std::optional<ports::IdempotencyRecord>> MemoryTx::FindIdempotency(std::string_view scope,
                                                                          std::string_view key) {
    auto it = read_.idempotency.find({std::string(scope), std::string(key)});
    if (it == read_.idempotency.end()) return std::optional<ports::IdempotencyRecord>();
    return std::optional<ports::IdempotencyRecord>(it->second);
}

}  // namespace rt::storage
