#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "core/error.hpp"
#include "storage/sql/connection.hpp"
#include "storage/sqlite/sqlite_error.hpp"

// The SQLite driver of the SQL store: a connection to a database file and its cached statements.
namespace rt::storage::sqlite {

using core::Result;

struct DbCloser {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using DbHandle = std::unique_ptr<sqlite3, DbCloser>;
using StmtHandle = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// A cached prepared statement of a SqliteConnection.
class SqliteStatement final : public sql::StatementImpl {
  public:
    explicit SqliteStatement(StmtHandle stmt) : stmt_(std::move(stmt)) {}

    void Bind(int index, std::string_view text) override;
    void BindView(int index, std::string_view text) override;  // SQLITE_STATIC: read in place
    void Bind(int index, std::int64_t value) override;
    void BindNull(int index) override;
    Result<bool> Step(std::span<const sql::ConstraintError> constraints) override;
    std::int64_t Int(int column) const override;
    std::string Text(int column) const override;
    bool IsNull(int column) const override;
    void Reset() override;

  private:
    StmtHandle stmt_;
    int bind_rc_ = SQLITE_OK;
};

enum class ConnectionRole {
    kWriter,  // switches the file to WAL; may write
    kReader,  // query_only: a write fails instead of taking the write lock behind the writer's back
};

// One connection to a database file. Not thread-safe: one thread uses it at a time.
class Connection final : public sql::Connection {
  public:
    static constexpr int kBusyTimeoutMs = 5000;
    // WAL frames (pages) per round of checkpoints, after which the WAL starts over: the Checkpointer's thread
    // copies a round in steps (Checkpointer::kSteps) when the store has one, else the writer's automatic checkpoint
    // copies it at once. 16000 (~64 MiB) rather than SQLite's 1000 or the 4000 before: fewer rounds, and larger steps,
    // copy the pages every group commit rewrites (the last pages of the append-only tables) fewer times;
    // docs/benchmarks.md, "Ingest: the writer no longer waits for the checkpoint's disk" and "The checkpoint copied in
    // eight steps per round".
    static constexpr int kCheckpointPages = 16000;

    // Opens the file at `path`, creating it when missing, and applies the settings every connection
    // needs: busy_timeout, synchronous=FULL (a commit survives power loss), foreign_keys=ON; the writer
    // also puts the file in WAL mode. On failure kUnavailable with a one-line message naming the path.
    // `bulk_load`: synchronous=OFF instead and a 1 GiB page cache, for generating demo data only (a crash of
    // the machine may lose the last transactions or corrupt the file).
    static Result<std::unique_ptr<Connection>> Open(const std::string& path, ConnectionRole role,
                                                    bool bulk_load = false);

    // The statement for `sql`, prepared on first use (SQLITE_PREPARE_PERSISTENT) and kept for the life
    // of the connection.
    Result<sql::Statement> Prepare(std::string_view sql) override;
    // Runs `sql`, one or more statements without parameters, without caching it (migrations).
    Result<void> ExecScript(std::string_view sql) override;

    // Rows changed by the most recent INSERT, UPDATE or DELETE.
    int Changes() const override { return sqlite3_changes(db_.get()); }
    // Rows inserted, updated or deleted since the connection opened; a failed statement undoes itself on SQLite.
    std::uint64_t Traces() const override { return static_cast<std::uint64_t>(sqlite3_total_changes64(db_.get())); }
    bool InTransaction() const override { return sqlite3_get_autocommit(db_.get()) == 0; }
    // The SQLite handle, for the calls this class does not wrap (the checkpointer's hook and checkpoints).
    sqlite3* handle() const { return db_.get(); }
    // One writer at a time already: nothing to lock.
    Result<void> LockProgram(std::string_view) override { return {}; }
    Result<void> Announce(std::string_view, std::string_view) override { return {}; }
    int RowsPerInsert() const override { return 1; }
    std::string ThroughIndex(std::string_view table, std::string_view index) const override {
        return std::string(table) + " INDEXED BY " + std::string(index);
    }

  private:
    explicit Connection(DbHandle db) : db_(std::move(db)) {}

    DbHandle db_;
    std::map<std::string, std::unique_ptr<SqliteStatement>, std::less<>>
        statements_;  // by SQL text; finalized before db_ closes
};

using sql::Statement;
using sql::Transaction;

}  // namespace rt::storage::sqlite
