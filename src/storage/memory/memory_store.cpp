#include "storage/memory/memory_store.hpp"

#include <mutex>

#include "storage/memory/memory_tx.hpp"

namespace rt::storage {

MemoryStore::MemoryStore() : tables_(std::make_unique<Tables>()) {}

MemoryStore::~MemoryStore() = default;

Result<void> MemoryStore::Transact(ports::TxMode mode, const std::function<Result<void>(ports::StoreTx&)>& body) {
    if (mode == ports::TxMode::kRead) {
        std::shared_lock lock(mu_);
        MemoryTx tx(std::as_const(*tables_));
        return body(tx);
    }
    std::unique_lock lock(mu_);
    auto work = std::make_unique<Tables>(*tables_);
    MemoryTx tx(*work);
    auto done = body(tx);
    if (done) tables_ = std::move(work);
    return done;
}

Result<int> MemoryStore::Migrate() {
    std::unique_lock lock(mu_);
    schema_version_ = kLatestSchemaVersion;
    return schema_version_;
}

Result<int> MemoryStore::SchemaVersion() {
    std::shared_lock lock(mu_);
    return schema_version_;
}

}  // namespace rt::storage
