#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "storage/sql/connection.hpp"

// The PostgreSQL driver of the SQL store (libpq): a connection and its prepared statements.
namespace rt::storage::postgres {

using core::Result;

struct PgConnCloser {
    void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};
struct PgResultClear {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using PgConnHandle = std::unique_ptr<PGconn, PgConnCloser>;
using PgResultHandle = std::unique_ptr<PGresult, PgResultClear>;

// The error for a failed statement (`result` may be null when the connection itself failed): kUnavailable
// when the server is unreachable, or asks to retry (serialization failure, deadlock, lock timeout); the
// matching entry of `constraints` for a uniqueness or foreign key violation (a generic kConflict when
// unlisted); kInternal otherwise. A key that leads with program_id (the distribution column) matches the
// entry of the key without it ("links.program_id, links.id" matches "links.id"). The server's message is
// logged, never returned; `sql` names the statement in the log.
core::Error ErrorFrom(PGconn* conn, const PGresult* result, std::string_view sql,
                      std::span<const sql::ConstraintError> constraints = {});

// ?N parameters as PostgreSQL spells them ($N), outside quoted text; `max_index` gets the highest N.
std::string RewriteParameters(std::string_view sql, int* max_index);

class PgConnection;

// A statement prepared on its connection the first time it runs (PQprepare), then run by name with its
// parameters as text (PQexecPrepared). The whole result is read at the first Step; the rows are then
// stepped through in memory, so that other statements may run while a result is being read.
class PgStatement final : public sql::StatementImpl {
  public:
    PgStatement(PgConnection& conn, std::string name, std::string text, std::string original, int parameters);

    void Bind(int index, std::string_view text) override;
    void Bind(int index, std::int64_t value) override;
    void BindNull(int index) override;
    Result<bool> Step(std::span<const sql::ConstraintError> constraints) override;
    std::int64_t Int(int column) const override;
    std::string Text(int column) const override;
    bool IsNull(int column) const override;
    void Reset() override;

  private:
    static constexpr Oid kTextOid = 25;

    Result<void> Execute(std::span<const sql::ConstraintError> constraints);
    // Keeps `result` as the statement's result when it succeeded; otherwise the mapped error.
    Result<void> Finish(PgResultHandle result, std::span<const sql::ConstraintError> constraints);

    PgConnection& conn_;
    std::string name_;      // "rt_<n>"
    std::string text_;      // with $N parameters
    std::string original_;  // as the caller wrote it (logs)
    bool prepared_ = false;
    std::vector<std::optional<std::string>> values_;
    std::vector<Oid> types_;  // 0 (inferred) for each parameter the text uses, text for the others
    bool write_ = false;      // INSERT, UPDATE or DELETE: with constraints, runs in a savepoint in a transaction
    PgResultHandle result_;
    int row_ = -1;
};

// One connection to a PostgreSQL server. Not thread-safe: one thread uses it at a time.
class PgConnection final : public sql::Connection {
  public:
    // Connects to `url` (postgresql://user:password@host:port/dbname?options). kUnavailable with a one-line
    // message naming host and database (never the password) when the server cannot be reached or refuses.
    static Result<std::unique_ptr<PgConnection>> Open(const std::string& url);

    Result<sql::Statement> Prepare(std::string_view sql) override;
    Result<void> ExecScript(std::string_view sql) override;
    int Changes() const override { return changes_; }
    std::uint64_t Traces() const override { return traces_; }
    bool InTransaction() const override;
    bool Aborted() const override { return PQtransactionStatus(conn_.get()) == PQTRANS_INERROR; }
    // pg_advisory_xact_lock on a 64-bit hash of the program id: held until the transaction ends.
    Result<void> LockProgram(std::string_view program_id) override;
    // pg_notify on kChangesChannel with "<table> <id>": delivered to every listener when the transaction commits.
    Result<void> Announce(std::string_view table, std::string_view id) override;
    // 64 clicks × 17 columns = 1,088 parameters per INSERT: one round trip (and one savepoint) per 64 rows.
    int RowsPerInsert() const override { return 64; }
    std::string ThroughIndex(std::string_view table, std::string_view) const override { return std::string(table); }

    // False once the connection to the server is lost or out of step with it (the pool then opens a new one).
    bool Healthy() const { return !broken_ && PQstatus(conn_.get()) == CONNECTION_OK; }
    // The connection can no longer be trusted (a pipeline left unread): the pool drops it.
    void MarkBroken() {
        broken_ = true;
        ++traces_;
    }
    // A statement changed rows, or failed and left the transaction aborted: see Traces.
    void AddTrace() { ++traces_; }
    PGconn* raw() { return conn_.get(); }
    void set_changes(int changes) { changes_ = changes; }

  private:
    explicit PgConnection(PgConnHandle conn) : conn_(std::move(conn)) {}

    PgConnHandle conn_;
    std::map<std::string, std::unique_ptr<PgStatement>, std::less<>> statements_;  // by the caller's SQL text
    int changes_ = 0;
    std::uint64_t traces_ = 0;
    bool broken_ = false;
};

// The channel of Announce's notifications.
inline constexpr std::string_view kChangesChannel = "reftrack_changes";

// The URL without its password, for messages and logs.
std::string RedactUrl(std::string_view url);

}  // namespace rt::storage::postgres
