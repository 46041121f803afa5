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
#include "storage/sqlite/sqlite_error.hpp"

// Thin RAII wrappers over the SQLite C API: a connection, its cached statements, a transaction.
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

// A borrowed, cached prepared statement in use. On destruction it is reset and its bindings cleared, ready
// for the next use. Only one Statement per cached statement may be alive at a time.
class Statement {
  public:
    explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Binds 1-based parameter `index` (the text is copied). A failure surfaces at the next Step.
    Statement& Bind(int index, std::string_view text);
    Statement& Bind(int index, std::int64_t value);
    Statement& BindNull(int index);

    // Advances: true when a row is ready to read, false when the statement is done. Failures as ErrorFrom.
    Result<bool> Step(std::span<const ConstraintError> constraints = {});
    // Steps until done; for statements that return no rows.
    Result<void> Run(std::span<const ConstraintError> constraints = {});

    // Columns of the current row, 0-based. NULL reads as 0 and "".
    std::int64_t Int(int column) const;
    std::string Text(int column) const;
    bool IsNull(int column) const;

  private:
    sqlite3_stmt* stmt_;
    int bind_rc_ = SQLITE_OK;
};

enum class ConnectionRole {
    kWriter,  // switches the file to WAL; may write
    kReader,  // query_only: a write fails instead of taking the write lock behind the writer's back
};

// One connection to a database file. Not thread-safe: one thread uses it at a time.
class Connection {
  public:
    static constexpr int kBusyTimeoutMs = 5000;

    // Opens the file at `path`, creating it when missing, and applies the settings every connection
    // needs: busy_timeout, synchronous=FULL (a commit survives power loss), foreign_keys=ON; the writer
    // also puts the file in WAL mode. On failure kUnavailable with a one-line message naming the path.
    // `bulk_load`: synchronous=OFF instead and a 1 GiB page cache, for generating demo data only (a crash of
    // the machine may lose the last transactions or corrupt the file).
    static Result<std::unique_ptr<Connection>> Open(const std::string& path, ConnectionRole role,
                                                    bool bulk_load = false);

    // The statement for `sql`, prepared on first use (SQLITE_PREPARE_PERSISTENT) and kept for the life
    // of the connection.
    Result<Statement> Prepare(std::string_view sql);
    // Runs `sql`, one or more statements without parameters, without caching it (migrations).
    Result<void> ExecScript(std::string_view sql);

    // Rows changed by the most recent INSERT, UPDATE or DELETE.
    int Changes() const { return sqlite3_changes(db_.get()); }
    bool InTransaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }

  private:
    explicit Connection(DbHandle db) : db_(std::move(db)) {}

    DbHandle db_;
    std::map<std::string, StmtHandle, std::less<>> statements_;  // by SQL text; finalized before db_ closes
};

// An open transaction; rolled back on destruction unless committed.
class Transaction {
  public:
    // `begin_sql` is "BEGIN IMMEDIATE" (takes the write lock now) or "BEGIN" (deferred).
    static Result<Transaction> Begin(Connection& conn, std::string_view begin_sql);
    ~Transaction();
    Transaction(Transaction&& other) noexcept : conn_(std::exchange(other.conn_, nullptr)) {}
    Transaction& operator=(Transaction&&) = delete;

    // Commits durably. On failure the transaction is rolled back and the error returned.
    Result<void> Commit();

  private:
    explicit Transaction(Connection& conn) : conn_(&conn) {}
    void Rollback();

    Connection* conn_;  // null once committed or rolled back
};

}  // namespace rt::storage::sqlite
