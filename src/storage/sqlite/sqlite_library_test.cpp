// The process-wide SQLite settings the first Connection::Open makes (ConfigureLibraryOnce).

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "storage/sqlite/sqlite_connection.hpp"
#include "support/temp_dir.hpp"

namespace rt::storage::sqlite {
namespace {

// Memory statistics are off: SQLite counts no allocation (each count took a global mutex).
TEST(SqliteLibraryTest, MemoryStatisticsAreOff) {
    testing::TempDir dir;
    auto writer = Connection::Open((dir.path() / "library.db").string(), ConnectionRole::kWriter);
    ASSERT_TRUE(writer) << writer.error().message();
    ASSERT_TRUE(
        (*writer)->ExecScript("CREATE TABLE t (k TEXT PRIMARY KEY, body TEXT NOT NULL); "
                              "INSERT INTO t VALUES ('a', printf('%.5000c', 'x')), ('b', printf('%.5000c', 'y'))"));
    EXPECT_EQ(sqlite3_memory_used(), 0) << "SQLite counts its allocations";
}

}  // namespace
}  // namespace rt::storage::sqlite
