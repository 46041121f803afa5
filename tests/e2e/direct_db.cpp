#include "direct_db.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <memory>

namespace rt::testing {
namespace {

constexpr std::string_view kSqliteScheme = "sqlite://";

using PgConnection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

// The SQLite C API's handles, closed on every path out.
struct SqliteStatement {
    sqlite3* db = nullptr;
    sqlite3_stmt* stmt = nullptr;
    ~SqliteStatement() {
        sqlite3_finalize(stmt);
        sqlite3_close(db);
    }
};

// Opens the database and prepares `sql` with its parameters bound; false after adding a failure.
bool Prepare(SqliteStatement& s, const std::string& path, int flags, const std::string& sql,
             const std::vector<std::string>& params) {
    if (sqlite3_open_v2(path.c_str(), &s.db, flags, nullptr) != SQLITE_OK) {
        ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(s.db);
        return false;
    }
    sqlite3_busy_timeout(s.db, 5000);
    if (sqlite3_prepare_v2(s.db, sql.c_str(), -1, &s.stmt, nullptr) != SQLITE_OK) {
        ADD_FAILURE() << sql << ": " << sqlite3_errmsg(s.db);
        return false;
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
        sqlite3_bind_text(s.stmt, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
    }
    return true;
}

std::string ReadFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// `sql` with its ?1, ?2, … parameters written $1, $2, …, as libpq wants them; quoted text is left alone.
std::string PgPlaceholders(const std::string& sql) {
    std::string out;
    bool quoted = false;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (c == '\'') quoted = !quoted;
        const bool numbered = i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1]));
        out += !quoted && c == '?' && numbered ? '$' : c;
    }
    return out;
}

PgConnection PgConnect(const std::string& url) {
    const char* keywords[] = {"dbname", "connect_timeout", nullptr};
    const char* values[] = {url.c_str(), "10", nullptr};
    PgConnection conn(PQconnectdbParams(keywords, values, /*expand_dbname=*/1), &PQfinish);
    if (conn == nullptr || PQstatus(conn.get()) != CONNECTION_OK) {
        ADD_FAILURE() << "cannot connect to " << url << ": " << (conn ? PQerrorMessage(conn.get()) : "out of memory");
        return PgConnection(nullptr, &PQfinish);
    }
    return conn;
}

// Runs `sql` with text parameters; the result when its status is `expected`, else null after adding a failure.
PgResult PgRun(PGconn* conn, const std::string& sql, const std::vector<std::string>& params, ExecStatusType expected) {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    PgResult result(PQexecParams(conn, PgPlaceholders(sql).c_str(), static_cast<int>(values.size()), nullptr,
                                 values.data(), nullptr, nullptr, /*resultFormat=*/0),
                    &PQclear);
    if (PQresultStatus(result.get()) != expected) {
        ADD_FAILURE() << sql << ": " << PQerrorMessage(conn);
        return PgResult(nullptr, &PQclear);
    }
    return result;
}

std::vector<DbRow> PgRows(const PGresult* result) {
    std::vector<DbRow> rows;
    for (int r = 0; r < PQntuples(result); ++r) {
        DbRow row;
        for (int c = 0; c < PQnfields(result); ++c) {
            row[PQfname(result, c)] = PQgetisnull(result, r, c) ? "" : PQgetvalue(result, r, c);
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace

std::vector<DbRow> DirectDb::Query(const std::string& sql, const std::vector<std::string>& params) const {
    return is_postgresql() ? PgQuery(sql, params) : SqliteQuery(sql, params);
}

std::int64_t DirectDb::QueryInt(const std::string& sql, const std::vector<std::string>& params) const {
    const auto rows = Query(sql, params);
    if (rows.empty() || rows.front().empty()) {
        ADD_FAILURE() << sql << ": no value";
        return -1;
    }
    const std::string& text = rows.front().begin()->second;
    try {
        return std::stoll(text);
    } catch (const std::exception&) {
        ADD_FAILURE() << sql << ": " << text << " is not an integer";
        return -1;
    }
}

std::int64_t DirectDb::Execute(const std::string& sql, const std::vector<std::string>& params) const {
    return is_postgresql() ? PgExecute(sql, params) : SqliteExecute(sql, params);
}

std::string DirectDb::AllStoredBytes() const { return is_postgresql() ? PgBytes() : SqliteBytes(); }

std::vector<DbRow> DirectDb::SqliteQuery(const std::string& sql, const std::vector<std::string>& params) const {
    std::vector<DbRow> rows;
    SqliteStatement s;
    if (!Prepare(s, url_.substr(kSqliteScheme.size()), SQLITE_OPEN_READONLY, sql, params)) return rows;
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) {
        DbRow row;
        for (int c = 0; c < sqlite3_column_count(s.stmt); ++c) {
            const auto* text = sqlite3_column_text(s.stmt, c);
            row[sqlite3_column_name(s.stmt, c)] = text == nullptr ? "" : reinterpret_cast<const char*>(text);
        }
        rows.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) ADD_FAILURE() << sql << ": " << sqlite3_errmsg(s.db);
    return rows;
}

std::int64_t DirectDb::SqliteExecute(const std::string& sql, const std::vector<std::string>& params) const {
    SqliteStatement s;
    if (!Prepare(s, url_.substr(kSqliteScheme.size()), SQLITE_OPEN_READWRITE, sql, params)) return -1;
    if (sqlite3_step(s.stmt) != SQLITE_DONE) {
        ADD_FAILURE() << sql << ": " << sqlite3_errmsg(s.db);
        return -1;
    }
    return sqlite3_changes(s.db);
}

std::string DirectDb::SqliteBytes() const {
    const std::filesystem::path db = url_.substr(kSqliteScheme.size());
    std::string bytes = ReadFile(db);
    for (const char* suffix : {"-wal", "-journal"}) {
        auto extra = db;
        extra += suffix;
        if (std::filesystem::exists(extra)) bytes += ReadFile(extra);
    }
    return bytes;
}

std::vector<DbRow> DirectDb::PgQuery(const std::string& sql, const std::vector<std::string>& params) const {
    auto conn = PgConnect(url_);
    if (conn == nullptr) return {};
    auto result = PgRun(conn.get(), sql, params, PGRES_TUPLES_OK);
    return result == nullptr ? std::vector<DbRow>{} : PgRows(result.get());
}

std::int64_t DirectDb::PgExecute(const std::string& sql, const std::vector<std::string>& params) const {
    auto conn = PgConnect(url_);
    if (conn == nullptr) return -1;
    auto result = PgRun(conn.get(), sql, params, PGRES_COMMAND_OK);
    if (result == nullptr) return -1;
    const std::string changed = PQcmdTuples(result.get());  // "" for a statement that changes no rows
    return changed.empty() ? 0 : std::stoll(changed);
}

std::string DirectDb::PgBytes() const {
    auto conn = PgConnect(url_);
    if (conn == nullptr) return "";
    if (PgRun(conn.get(), "SET bytea_output = 'escape'", {}, PGRES_COMMAND_OK) == nullptr) return "";
    auto tables = PgRun(conn.get(),
                        "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name "
                        "FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                        "AND table_schema NOT IN ('pg_catalog', 'information_schema')",
                        {}, PGRES_TUPLES_OK);
    if (tables == nullptr) return "";
    std::string bytes;
    for (const auto& table : PgRows(tables.get())) {
        auto rows = PgRun(conn.get(), "SELECT * FROM " + table.at("name"), {}, PGRES_TUPLES_OK);
        if (rows == nullptr) continue;
        for (int r = 0; r < PQntuples(rows.get()); ++r) {
            for (int c = 0; c < PQnfields(rows.get()); ++c) {
                bytes.append(PQgetvalue(rows.get(), r, c)).push_back('\n');
            }
        }
    }
    return bytes;
}

}  // namespace rt::testing
