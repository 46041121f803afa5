#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "ports/store.hpp"
#include "storage/sqlite/checkpointer.hpp"
#include "storage/sqlite/reader_pool.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

namespace rt::storage::sqlite {

// The Store on one SQLite file in WAL mode. One writer connection, serialized by a mutex, runs write
// transactions (BEGIN IMMEDIATE) and migrations; a pool of query_only reader connections runs read
// transactions (deferred), concurrently with each other and with the writer, each seeing the last
// committed state as of its first read. A commit is fsynced (synchronous=FULL) before Transact returns.
// Thread safety: every method may be called from several threads; calls block on I/O and on the locks.
class SqliteStore final : public ports::Store {
  public:
    // Opens (creating when missing, with its parent directory) the database at `path`, with one writer
    // and `read_connections` (at least 1) readers. Does not migrate. On failure kUnavailable with a
    // one-line message naming the path. `bulk_load`: the writer commits with synchronous=OFF (see
    // storage::StoreOptions::bulk_load).
    static Result<std::unique_ptr<SqliteStore>> Open(const std::filesystem::path& path, int read_connections,
                                                     bool bulk_load = false);

    Result<void> Transact(ports::TxMode mode, const std::function<Result<void>(ports::StoreTx&)>& body) override;
    Result<int> Migrate() override;
    Result<int> SchemaVersion() override;
    int LatestSchemaVersion() const override;
    Result<void> Ping() override;
    std::string_view Backend() const override { return "sqlite"; }

  private:
    SqliteStore(std::unique_ptr<Connection> writer, std::vector<std::unique_ptr<Connection>> readers)
        : writer_(std::move(writer)), readers_(std::move(readers)) {}

    std::mutex writer_mu_;
    std::unique_ptr<Connection> writer_;  // guarded by writer_mu_
    ReaderPool readers_;
    // Checkpoints the WAL beside the writer (none when bulk loading, where the writer's automatic
    // checkpoint runs). Declared last: it stops before the writer closes.
    std::unique_ptr<Checkpointer> checkpointer_;
};

}  // namespace rt::storage::sqlite
