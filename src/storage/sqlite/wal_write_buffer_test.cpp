// The WAL's appends gathered into one write per commit (wal_write_buffer.hpp), seen from outside.

#include "storage/sqlite/wal_write_buffer.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "storage/sqlite/sqlite_connection.hpp"
#include "support/temp_dir.hpp"

namespace rt::storage::sqlite {
namespace {

class WalWriteBufferTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto writer = Connection::Open(db_path(), ConnectionRole::kWriter);
        ASSERT_TRUE(writer) << writer.error().message();
        writer_ = std::move(*writer);
        ASSERT_TRUE(writer_->ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"));
    }

    std::string db_path() const { return (dir_.path() / "wal.db").string(); }

    // A transaction of `rows` rows of ~3 KiB: about one WAL frame (a 4 KiB page) each.
    void Commit(int rows) {
        std::string sql = "BEGIN;";
        for (int i = 0; i < rows; ++i) sql += "INSERT INTO t (body) VALUES (printf('%.3000c', 'x'));";
        sql += "COMMIT;";
        auto ok = writer_->ExecScript(sql);
        ASSERT_TRUE(ok) << ok.error().message();
    }

    // Rows in t as another connection, through SQLite's default VFS, sees them.
    int RowsSeenByAnotherConnection() {
        sqlite3* db = nullptr;
        EXPECT_EQ(sqlite3_open_v2(db_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
        sqlite3_stmt* stmt = nullptr;
        int rows = -1;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &stmt, nullptr) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW) {
            rows = sqlite3_column_int(stmt, 0);
        }
        sqlite3_finalize(stmt);
        sqlite3_close(db);
        return rows;
    }

    testing::TempDir dir_;
    std::unique_ptr<Connection> writer_;
};

TEST_F(WalWriteBufferTest, ConnectionsUseIt) { ASSERT_NE(WalBufferingVfs(), nullptr); }

TEST_F(WalWriteBufferTest, ACommitOfManyFramesIsAFewWrites) {
    Commit(1);  // the WAL's header and first frames
    const WalWriteCounts before = WalWrites();
    Commit(40);
    const WalWriteCounts after = WalWrites();
    // SQLite asks for two writes per frame, a header and a page: 80 and more here. ~165 KiB go down in
    // two writes of at most 120 KiB.
    EXPECT_GE(after.asked - before.asked, 80u);
    EXPECT_EQ(after.passed_down - before.passed_down, 2u);
}

TEST_F(WalWriteBufferTest, EveryCommitIsReadableByAnotherConnectionAtOnce) {
    for (int i = 1; i <= 5; ++i) {
        Commit(3);
        EXPECT_EQ(RowsSeenByAnotherConnection(), 3 * i);
    }
}

TEST_F(WalWriteBufferTest, CommitsSurviveClosingAndReopening) {
    Commit(10);
    writer_.reset();  // closes the connection: the WAL is checkpointed and removed
    auto reopened = Connection::Open(db_path(), ConnectionRole::kWriter);
    ASSERT_TRUE(reopened) << reopened.error().message();
    EXPECT_EQ(RowsSeenByAnotherConnection(), 10);
    writer_ = std::move(*reopened);
    Commit(2);
    EXPECT_EQ(RowsSeenByAnotherConnection(), 12);
}

// A transaction too large for SQLite's page cache spills frames to the WAL before its commit; the
// connection then reads some of them back. The gathered bytes are written before any read.
TEST_F(WalWriteBufferTest, ATransactionThatSpillsReadsBackWhatItWrote) {
    ASSERT_TRUE(writer_->ExecScript("PRAGMA cache_size = 10"));  // pages
    Commit(200);
    EXPECT_EQ(RowsSeenByAnotherConnection(), 200);
    ASSERT_TRUE(writer_->ExecScript("UPDATE t SET body = printf('%.3000c', 'y') WHERE id % 2 = 0"));
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(db_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE substr(body, 1, 1) = 'y'", -1, &stmt, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(stmt, 0), 100);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
}

// Within one transaction, pages spilled to the WAL are read back by the same connection; they must come
// from the file, so the gathered bytes are written before any read.
TEST_F(WalWriteBufferTest, PagesSpilledInATransactionReadBackWithinIt) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(db_path().c_str(), &db, SQLITE_OPEN_READWRITE, WalBufferingVfs()), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "PRAGMA cache_size = 5; BEGIN;"
                           "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)"
                           "  INSERT INTO t (body) SELECT printf('%.3000c', 'z') || i FROM n;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    const WalWriteCounts before = WalWrites();
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(
        sqlite3_prepare_v2(db, "SELECT count(*), sum(length(body)) FROM t WHERE body LIKE 'zzz%'", -1, &stmt, nullptr),
        SQLITE_OK);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(stmt, 0), 300);
    // 3000 'z' and the number: 9 one-digit, 90 two-digit, 201 three-digit.
    EXPECT_EQ(sqlite3_column_int64(stmt, 1), 300 * 3000 + 9 + 90 * 2 + 201 * 3);
    sqlite3_finalize(stmt);
    EXPECT_GT(WalWrites().passed_down, before.passed_down) << "the read found frames still gathered";
    ASSERT_EQ(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    EXPECT_EQ(RowsSeenByAnotherConnection(), 300);
}

}  // namespace
}  // namespace rt::storage::sqlite
