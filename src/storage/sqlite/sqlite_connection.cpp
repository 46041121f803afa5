#include "storage/sqlite/sqlite_connection.hpp"

#include <spdlog/spdlog.h>

#include <mutex>
#include <utility>

#include "storage/sqlite/page_cache.hpp"

namespace rt::storage::sqlite {

namespace {

// Statement journals (the pages a SAVEPOINT may have to restore) are kept in memory, never in a file.
// Group commit runs every conversion of a batch in its own savepoint, and each one first-touches ~20
// existing pages: with SQLite's default (spill to a temporary file past 64 KiB) every batch opened a file
// and wrote ~40 pages per conversion into it, twice what the WAL got (docs/benchmarks.md, "Ingest:
// the savepoints' journal in memory"). A positive threshold would also become the journal's chunk size
// (one allocation of that many bytes), so it is -1: in memory, in 1 KiB chunks. The journal is bounded by
// the pages a transaction's savepoints touch: a batch of 128 conversions is ~10 MiB.
constexpr int kStatementJournalSpillBytes = -1;

// sqlite3_config is only allowed before SQLite initializes, i.e. before the process's first open.
void ConfigureLibraryOnce() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (int rc = sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, kStatementJournalSpillBytes); rc != SQLITE_OK) {
            spdlog::warn("event=sqlite_config_failed setting=stmtjrnl_spill error=\"{}\"", sqlite3_errstr(rc));
        }
        // No memory statistics: with them on (SQLite's default), every allocation SQLite makes takes a global
        // mutex to count itself. Nothing here reads them (sqlite3_memory_used, a soft heap limit); measured
        // side by side, ingest +4.5 % and 2-3 % less CPU per conversion (docs/benchmarks.md).
        if (int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); rc != SQLITE_OK) {
            spdlog::warn("event=sqlite_config_failed setting=memstatus error=\"{}\"", sqlite3_errstr(rc));
        }
        if (int rc = InstallPageCache(); rc != SQLITE_OK) {
            spdlog::warn("event=sqlite_config_failed setting=pcache2 error=\"{}\"", sqlite3_errstr(rc));
        }
    });
}

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
        const std::string autocheckpoint =
            "PRAGMA wal_autocheckpoint = " + std::to_string(Connection::kCheckpointPages);
        if (int rc = ExecPragma(db, autocheckpoint.c_str()); rc != SQLITE_OK) {
            return core::Fail(CannotOpen(path, sqlite3_errstr(rc)));
        }
    }
    // Bulk loading: commits do not wait for the disk, and a 1 GiB page cache keeps the growing indexes in memory.
    const char* synchronous = bulk_load ? "PRAGMA synchronous = OFF" : "PRAGMA synchronous = FULL";
    for (const char* pragma : {synchronous, "PRAGMA foreign_keys = ON"}) {
        if (int rc = ExecPragma(db, pragma); rc != SQLITE_OK) return core::Fail(CannotOpen(path, sqlite3_errstr(rc)));
    }
    if (int rc = ExecPragma(db, bulk_load ? "PRAGMA cache_size = -1048576" : "PRAGMA cache_size = -65536");
        rc != SQLITE_OK) {
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

void SqliteStatement::Reset() {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
    bind_rc_ = SQLITE_OK;
}

void SqliteStatement::Bind(int index, std::string_view text) {
    const int rc = sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void SqliteStatement::BindView(int index, std::string_view text) {
    const int rc = sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
    if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void SqliteStatement::Bind(int index, std::int64_t value) {
    const int rc = sqlite3_bind_int64(stmt_.get(), index, value);
    if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void SqliteStatement::BindNull(int index) {
    const int rc = sqlite3_bind_null(stmt_.get(), index);
    if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Result<bool> SqliteStatement::Step(std::span<const sql::ConstraintError> constraints) {
    sqlite3* db = sqlite3_db_handle(stmt_.get());
    if (bind_rc_ != SQLITE_OK) return core::Fail(ErrorFrom(db, bind_rc_, sqlite3_sql(stmt_.get())));
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return core::Fail(ErrorFrom(db, rc, sqlite3_sql(stmt_.get()), constraints));
}

std::int64_t SqliteStatement::Int(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

std::string SqliteStatement::Text(int column) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), column));
    if (text == nullptr) return {};
    return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column)));
}

bool SqliteStatement::IsNull(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, ConnectionRole role, bool bulk_load) {
    ConfigureLibraryOnce();
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
        it = statements_.emplace(std::string(sql), std::make_unique<SqliteStatement>(std::move(stmt))).first;
    }
    return sql::Statement(it->second.get());
}

Result<void> Connection::ExecScript(std::string_view sql) {
    const std::string text(sql);
    const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return core::Fail(ErrorFrom(db_.get(), rc, sql.substr(0, 80)));
    return {};
}

}  // namespace rt::storage::sqlite
