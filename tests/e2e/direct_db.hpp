#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

// Reads and writes a reftrack database directly, beside the server or after it stopped or was killed: to check
// what is stored and to tamper with it. Chosen by the URL the server was given: SQLite (sqlite://…) through the
// SQLite C API, PostgreSQL (postgresql://…) through libpq. Both hold the same tables and columns. Test-only:
// every failure is a GoogleTest failure of the running test. Each call opens a connection of its own.
namespace rt::testing {

// One row, every column as text (integers in decimal, NULL as ""), by column name.
using DbRow = std::map<std::string, std::string>;

class DirectDb {
  public:
    explicit DirectDb(std::string url) : url_(std::move(url)) {}

    bool is_postgresql() const { return url_.starts_with("postgresql://") || url_.starts_with("postgres://"); }

    // The rows of a query whose text parameters are written ?1, ?2, … (on PostgreSQL they become $1, $2, …).
    // SQLite opens the file read-only. When the query fails: adds a failure and returns the rows read before.
    std::vector<DbRow> Query(const std::string& sql, const std::vector<std::string>& params = {}) const;
    // The first column of the first row, as an integer; -1 after adding a failure when there is none.
    std::int64_t QueryInt(const std::string& sql, const std::vector<std::string>& params = {}) const;
    // Runs one INSERT, UPDATE or DELETE (parameters as in Query); how many rows it changed, or -1 after adding
    // a failure.
    std::int64_t Execute(const std::string& sql, const std::vector<std::string>& params = {}) const;

    // Everything stored, as one string, to search for what must never be stored in plain text. SQLite: the
    // bytes of the database file and of its -wal and -journal files, free pages included. PostgreSQL: every
    // value of every row of every table in its text form (bytea in the escape form, where printable bytes stand
    // for themselves).
    std::string AllStoredBytes() const;

  private:
    std::vector<DbRow> SqliteQuery(const std::string& sql, const std::vector<std::string>& params) const;
    std::int64_t SqliteExecute(const std::string& sql, const std::vector<std::string>& params) const;
    std::string SqliteBytes() const;
    std::vector<DbRow> PgQuery(const std::string& sql, const std::vector<std::string>& params) const;
    std::int64_t PgExecute(const std::string& sql, const std::vector<std::string>& params) const;
    std::string PgBytes() const;

    std::string url_;
};

}  // namespace rt::testing
