#pragma once

#include <functional>
#include <memory>
#include <shared_mutex>
#include <string_view>

#include "ports/store.hpp"

namespace rt::storage {

using core::Result;

// The in-memory store: the fake for tests, with the same rules as the SQLite store (uniqueness, foreign
// keys, read-only read transactions, rollback of a failed body). Nothing survives destruction.
// Thread safety: every method may be called from several threads. Read transactions share a lock; a
// write transaction excludes every other transaction for its duration.
class MemoryStore final : public ports::Store {
  public:
    static constexpr int kLatestSchemaVersion = 1;

    MemoryStore();
    ~MemoryStore() override;

    // kWrite runs `body` on a copy of the tables and keeps the copy only when `body` succeeds.
    Result<void> Transact(ports::TxMode mode, const std::function<Result<void>(ports::StoreTx&)>& body) override;
    Result<int> Migrate() override;
    Result<int> SchemaVersion() override;
    int LatestSchemaVersion() const override { return kLatestSchemaVersion; }
    Result<void> Ping() override { return {}; }
    std::string_view Backend() const override { return "memory"; }

    struct Tables;  // defined in memory_tx.hpp

  private:
    std::shared_mutex mu_;
    std::unique_ptr<Tables> tables_;  // guarded by mu_
    int schema_version_ = 0;          // guarded by mu_
};

}  // namespace rt::storage
