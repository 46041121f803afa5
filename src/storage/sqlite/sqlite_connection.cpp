#include "storage/sqlite/sqlite_connection.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace rt::storage::sqlite {

namespace {

// Runs a PRAGMA; stores the first column of its first row in `*value` when given.
int ExecPragma(sqlite3* db, const char* sql, std::string* value = nullptr) {
    auto first_value = [](void* out, int columns, char** values, char**) -> int {
        if (out != nullptr && columns > 0 && values[0] != nullptr) *static_cast<std::string*>(out) = values[0];
        return 0;
    };
    return sqlite3_exec(db, sql, first_value, value, nullptr);
}

core::Error CannotOpen(const std::string& path, std::string_view reason) {
    return core::Error::Unavailable("cannot open the database at " + path + ": " + std::string(reason));
}

// The settings of every connection; kUnavailable naming the path when the file refuses them (for
// instance because it is not a database).
Result<void> Configure(sqlite3* db, const std::string& path, ConnectionRole role, bool bulk_load) {
    sqlite3_busy_timeout(db, Connection::kBusyTimeoutMs);
    if (role == ConnectionRole::kWriter) {
        std::string mode;
        if (int rc = ExecPragma(db, "PRAGMA journal_mode = WAL", &mode); rc != SQLITE_OK) {
            return core::Fail(CannotOpen(path, sqlite3_errstr(rc)));
        }
        if (mode != "wal") return core::Fail(CannotOpen(path, "the file system does not support WAL mode"));
    }
    // Bulk loading: commits do not wait for the disk, and a 1 GiB page cache keeps the growing indexes in memory.
    const char* synchronous = bulk_load ? "PRAGMA synchronous = OFF" : "PRAGMA synchronous = FULL";
    for (const char* pragma : {synchronous, "PRAGMA foreign_keys = ON"}) {
        if (int rc = ExecPragma(db, pragma); rc != SQLITE_OK) return core::Fail(CannotOpen(path, sqlite3_errstr(rc)));
    }
    if (int rc = bulk_load ? ExecPragma(db, "PRAGMA cache_size = -1048576") : SQLITE_OK; rc != SQLITE_OK) {
        return core::Fail(CannotOpen(path, sqlite3_errstr(rc)));
    }
    if (role == ConnectionRole::kReader) {
        if (int rc = ExecPragma(db, "PRAGMA query_only = ON"); rc != SQLITE_OK) {
            return core::Fail(CannotOpen(path, sqlite3_errstr(rc)));
        }
    }
    return {};
}

}  // namespace

Statement::~Statement() {
    if (stmt_ == nullptr) return;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), bind_rc_(other.bind_rc_) {}

Statement& Statement::Bind(int index, std::string_view text) {
    const int rc = sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
    return *this;
}

Statement& Statement::Bind(int index, std::int64_t value) {
    const int rc = sqlite3_bind_int64(stmt_, index, value);
    if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
    return *this;
}

Statement& Statement::BindNull(int index) {
    const int rc = sqlite3_bind_null(stmt_, index);
    if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
    return *this;
}

Result<bool> Statement::Step(std::span<const ConstraintError> constraints) {
    sqlite3* db = sqlite3_db_handle(stmt_);
    if (bind_rc_ != SQLITE_OK) return core::Fail(ErrorFrom(db, bind_rc_, sqlite3_sql(stmt_)));
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return core::Fail(ErrorFrom(db, rc, sqlite3_sql(stmt_), constraints));
}

Result<void> Statement::Run(std::span<const ConstraintError> constraints) {
    for (;;) {
        auto row = Step(constraints);
        if (!row) return core::Fail(row.error());
        if (!*row) return {};
    }
}

std::int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Text(int column) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (text == nullptr) return {};
    return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Statement::IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, ConnectionRole role, bool bulk_load) {
    sqlite3* raw = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    DbHandle db(raw);
    if (rc != SQLITE_OK) return core::Fail(CannotOpen(path, sqlite3_errstr(rc)));
    if (auto ok = Configure(db.get(), path, role, bulk_load); !ok) return core::Fail(ok.error());
    return std::unique_ptr<Connection>(new Connection(std::move(db)));
}

Result<Statement> Connection::Prepare(std::string_view sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
        sqlite3_stmt* raw = nullptr;
        const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                          SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
        StmtHandle stmt(raw);
        if (rc != SQLITE_OK) return core::Fail(ErrorFrom(db_.get(), rc, sql));
        it = statements_.emplace(std::string(sql), std::move(stmt)).first;
    }
    return Statement(it->second.get());
}

Result<void> Connection::ExecScript(std::string_view sql) {
    const std::string text(sql);
    const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return core::Fail(ErrorFrom(db_.get(), rc, sql.substr(0, 80)));
    return {};
}

Result<Transaction> Transaction::Begin(Connection& conn, std::string_view begin_sql) {
    auto begin = conn.Prepare(begin_sql);
    if (!begin) return core::Fail(begin.error());
    if (auto ok = begin->Run(); !ok) return core::Fail(ok.error());
    return Transaction(conn);
}

Transaction::~Transaction() { Rollback(); }

Result<void> Transaction::Commit() {
    auto committed = [this]() -> Result<void> {
        auto commit = conn_->Prepare("COMMIT");
        if (!commit) return core::Fail(commit.error());
        return commit->Run();
    }();
    if (!committed) {
        Rollback();
        return committed;
    }
    conn_ = nullptr;
    return {};
}

void Transaction::Rollback() {
    if (conn_ == nullptr) return;
    Connection& conn = *std::exchange(conn_, nullptr);
    if (!conn.InTransaction()) return;  // SQLite already rolled back (for instance after an I/O error)
    auto rollback = conn.Prepare("ROLLBACK");
    if (!rollback || !rollback->Run()) spdlog::error("event=sqlite_rollback_failed");
}

}  // namespace rt::storage::sqlite
