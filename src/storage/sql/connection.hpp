#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "core/error.hpp"

// The database connection SqlTx runs its queries on, whichever the engine: SQLite (storage/sqlite) or
// PostgreSQL (storage/postgres). The SQL text is shared, written with ?N parameters (a driver rewrites them to
// its own spelling), in the dialect both engines accept: standard SQL, ON CONFLICT upserts, SAVEPOINT.
namespace rt::storage::sql {

using core::Result;

// How a statement reports a constraint it may violate, in words for the caller.
struct ConstraintError {
    // The columns of a UNIQUE or PRIMARY KEY violation as "table.column, table.column" ("links.code",
    // "partners.program_id, partners.email"), or kForeignKey for any foreign key violation.
    std::string_view columns;
    core::ErrorCode code;
    std::string_view message;
};

inline constexpr std::string_view kForeignKey = "FOREIGN KEY";

// A driver's prepared statement, owned and cached by its connection. Parameters are 1-based, columns 0-based.
class StatementImpl {
  public:
    virtual ~StatementImpl() = default;
    virtual void Bind(int index, std::string_view text) = 0;  // the text is copied
    // The text is not copied where the driver can avoid it: it must stay valid until the next Reset.
    virtual void BindView(int index, std::string_view text) { Bind(index, text); }
    virtual void Bind(int index, std::int64_t value) = 0;
    virtual void BindNull(int index) = 0;
    // Advances: true when a row is ready to read, false when the statement is done. A failed call, a
    // constraint violation mapped through `constraints` (a generic kConflict when unlisted), kUnavailable
    // when the database is busy or unreachable, kInternal otherwise (the engine's message is logged only).
    virtual Result<bool> Step(std::span<const ConstraintError> constraints) = 0;
    // The current row's columns; NULL reads as 0 and "".
    virtual std::int64_t Int(int column) const = 0;
    virtual std::string Text(int column) const = 0;
    virtual bool IsNull(int column) const = 0;
    // Forgets the bindings and any pending rows, ready for the next use.
    virtual void Reset() = 0;
};

// A borrowed, cached prepared statement in use; reset on destruction. Only one Statement per cached
// statement may be alive at a time.
class Statement {
  public:
    explicit Statement(StatementImpl* impl) : impl_(impl) {}
    ~Statement() {
        if (impl_ != nullptr) impl_->Reset();
    }
    Statement(Statement&& other) noexcept : impl_(std::exchange(other.impl_, nullptr)) {}
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& Bind(int index, std::string_view text) {
        impl_->Bind(index, text);
        return *this;
    }
    Statement& Bind(int index, std::int64_t value) {
        impl_->Bind(index, value);
        return *this;
    }
    // For a text that outlives this Statement (which resets on destruction): the driver may read it in place.
    Statement& BindView(int index, std::string_view text) {
        impl_->BindView(index, text);
        return *this;
    }
    Statement& BindNull(int index) {
        impl_->BindNull(index);
        return *this;
    }
    Result<bool> Step(std::span<const ConstraintError> constraints = {}) { return impl_->Step(constraints); }
    // Steps until done; for statements that return no rows.
    Result<void> Run(std::span<const ConstraintError> constraints = {}) {
        for (;;) {
            auto row = Step(constraints);
            if (!row) return core::Fail(row.error());
            if (!*row) return {};
        }
    }
    std::int64_t Int(int column) const { return impl_->Int(column); }
    std::string Text(int column) const { return impl_->Text(column); }
    bool IsNull(int column) const { return impl_->IsNull(column); }

  private:
    StatementImpl* impl_;
};

// One connection. Not thread-safe: one thread uses it at a time.
class Connection {
  public:
    virtual ~Connection() = default;

    // The statement for `sql`, prepared on first use and kept for the life of the connection.
    virtual Result<Statement> Prepare(std::string_view sql) = 0;
    // Runs `sql`, one or more statements without parameters, without caching it (migrations).
    virtual Result<void> ExecScript(std::string_view sql) = 0;
    // Rows changed by the most recent INSERT, UPDATE or DELETE.
    virtual int Changes() const = 0;
    // A count that grows with every change this connection made to what its open transaction would commit (each
    // row written) and with every failure that left the transaction unable to go on (PostgreSQL's failed
    // statements outside a statement's savepoint). The same before and after a call: the call left the
    // transaction as it found it (SqlTx::RunUnguarded).
    virtual std::uint64_t Traces() const = 0;
    virtual bool InTransaction() const = 0;
    // The open transaction failed and refuses every statement until it ends (PostgreSQL after an error outside a
    // savepoint); never on SQLite, where a failed statement undoes only itself.
    virtual bool Aborted() const { return false; }

    // Makes the rest of this write transaction the only writer of the program's ledger: a writer that appends to
    // a program's event chain, or reads it to decide what to append, calls this first. SQLite has one writer at a
    // time anyway (a no-op); PostgreSQL takes a transaction-scoped advisory lock, so that writers at several
    // nodes append one chain, in commit order, without forking it.
    virtual Result<void> LockProgram(std::string_view program_id) = 0;

    // Tells the other nodes, when this transaction commits, that the row of `table` ("link", "program") with
    // this id changed (Store::FollowChanges). A no-op where one process serves the database (SQLite).
    virtual Result<void> Announce(std::string_view table, std::string_view id) = 0;

    // How many rows one INSERT of a batch writes (clicks): 1 where a cached statement stepped once per row costs
    // no round trip (SQLite); more where each statement is a round trip to the server (PostgreSQL).
    virtual int RowsPerInsert() const = 0;

    // A FROM term that reads `table` through `index` where the engine takes such a hint (SQLite's INDEXED BY,
    // where its planner, without statistics, would pick a worse plan); just `table` where it plans by itself.
    virtual std::string ThroughIndex(std::string_view table, std::string_view index) const = 0;
};

// An open transaction; rolled back on destruction unless committed.
class Transaction {
  public:
    // `begin_sql`: "BEGIN IMMEDIATE", "BEGIN", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", …
    static Result<Transaction> Begin(Connection& conn, std::string_view begin_sql);
    ~Transaction() { Rollback(); }
    Transaction(Transaction&& other) noexcept : conn_(std::exchange(other.conn_, nullptr)) {}
    Transaction& operator=(Transaction&&) = delete;

    // Commits durably. On failure the transaction is rolled back and the error returned.
    Result<void> Commit();

  private:
    explicit Transaction(Connection& conn) : conn_(&conn) {}
    void Rollback();

    Connection* conn_;  // null once committed or rolled back
};

}  // namespace rt::storage::sql
