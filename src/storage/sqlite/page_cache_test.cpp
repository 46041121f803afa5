// The page cache wrapper: truncations that can drop nothing skip pcache1's walk, the others still drop.

#include "storage/sqlite/page_cache.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/sqlite/raw_db.hpp"
#include "storage/sqlite/sqlite_connection.hpp"
#include "support/temp_dir.hpp"

namespace rt::storage::sqlite {
namespace {

// The number SQLite's B-tree parks a page under while it renumbers siblings (the lock-byte page with
// 4 KiB pages).
constexpr unsigned kParked = 262145;

// One cache made through the wrapper's methods, as the pager makes them, holding pages 1 to 100.
class PageCacheTest : public ::testing::Test {
  protected:
    void SetUp() override {
        InstallPageCache();  // as the first Connection::Open would, before SQLite initializes
        ASSERT_EQ(sqlite3_initialize(), SQLITE_OK);
        cache_ = m_.xCreate(4096, 64, 1);
        ASSERT_NE(cache_, nullptr);
        m_.xCachesize(cache_, 1000);
        for (unsigned key = 1; key <= 100; ++key) Create(key);
    }
    void TearDown() override {
        if (cache_ != nullptr) m_.xDestroy(cache_);
    }

    void Create(unsigned key) {
        sqlite3_pcache_page* page = m_.xFetch(cache_, key, 2);
        ASSERT_NE(page, nullptr) << key;
        m_.xUnpin(cache_, page, 0);
    }
    bool Holds(unsigned key) {
        sqlite3_pcache_page* page = m_.xFetch(cache_, key, 0);
        if (page == nullptr) return false;
        m_.xUnpin(cache_, page, 0);
        return true;
    }
    void Renumber(unsigned from, unsigned to) {
        sqlite3_pcache_page* page = m_.xFetch(cache_, from, 0);
        ASSERT_NE(page, nullptr) << from;
        m_.xRekey(cache_, page, from, to);
        m_.xUnpin(cache_, page, 0);
    }
    // Truncates at `limit`; says whether pcache1 was asked.
    bool Truncate(unsigned limit) {
        const auto passed = PageCacheTruncationsPassed();
        const auto skipped = PageCacheTruncationsSkipped();
        m_.xTruncate(cache_, limit);
        EXPECT_EQ(PageCacheTruncationsPassed() + PageCacheTruncationsSkipped(), passed + skipped + 1);
        return PageCacheTruncationsPassed() == passed + 1;
    }
    bool HoldsOneToHundred() {
        for (unsigned key = 1; key <= 100; ++key) {
            if (!Holds(key)) return false;
        }
        return true;
    }

    const sqlite3_pcache_methods2& m_ = PageCacheMethods();
    sqlite3_pcache* cache_ = nullptr;
};

TEST_F(PageCacheTest, ATruncationPastEveryPageIsNotPassedOn) {
    EXPECT_FALSE(Truncate(101));
    EXPECT_FALSE(Truncate(500));
    EXPECT_TRUE(HoldsOneToHundred());
}

TEST_F(PageCacheTest, SiblingsRenumberedThroughAParkedNumberLeaveNothingToWalk) {
    // What balance_nonroot does to put two siblings in ascending order: 50 and 60 swap through the
    // parked number.
    Renumber(50, kParked);
    Renumber(60, 50);
    Renumber(kParked, 60);
    EXPECT_FALSE(Truncate(101));
    EXPECT_TRUE(HoldsOneToHundred());
    EXPECT_FALSE(Holds(kParked));
}

TEST_F(PageCacheTest, APageLeftUnderARenumberedNumberIsDropped) {
    Renumber(70, kParked);
    EXPECT_TRUE(Truncate(101));
    EXPECT_FALSE(Holds(kParked));
    EXPECT_FALSE(Holds(70));
    // Once dropped, the account is clear again.
    EXPECT_FALSE(Truncate(101));
}

TEST_F(PageCacheTest, PagesCreatedPastTheLimitAreDropped) {
    Create(101);
    Create(150);
    EXPECT_TRUE(Truncate(101));
    EXPECT_FALSE(Holds(101));
    EXPECT_FALSE(Holds(150));
    EXPECT_TRUE(HoldsOneToHundred());
    // A truncation below the pages held drops them, and pages created again past it are dropped again.
    EXPECT_TRUE(Truncate(51));
    EXPECT_FALSE(Holds(51));
    EXPECT_TRUE(Holds(50));
    Create(60);
    EXPECT_TRUE(Truncate(51));
    EXPECT_FALSE(Holds(60));
}

// Through SQLite: a table whose keys arrive out of order splits its pages out of order, so commits see
// renumbered siblings; the wrapper is the process's cache (installed by the first Connection::Open), skips
// their walks, and the database stays whole across commits and a rollback that grew the file.
TEST(PageCacheThroughSqliteTest, RandomInsertsAndARollbackKeepTheDatabaseWhole) {
    testing::TempDir dir;
    const std::string path = (dir.path() / "pcache.db").string();
    auto writer = Connection::Open(path, ConnectionRole::kWriter);
    ASSERT_TRUE(writer) << writer.error().message();
    Connection& db = **writer;
    ASSERT_TRUE(db.ExecScript("CREATE TABLE t (k TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID"));
    // One transaction of `rows` rows with random keys and a 200-character body of `fill`, ended by `end`.
    auto write = [&db](int rows, char fill, const std::string& end) {
        return db.ExecScript("BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                             std::to_string(rows) + ") INSERT INTO t SELECT hex(randomblob(12)), printf('%.200c', '" +
                             std::string(1, fill) + "') FROM n; " + end);
    };
    const auto skipped = PageCacheTruncationsSkipped();
    for (int tx = 0; tx < 40; ++tx) ASSERT_TRUE(write(100, 'x', "COMMIT"));
    EXPECT_GT(PageCacheTruncationsSkipped(), skipped);

    const auto passed = PageCacheTruncationsPassed();
    ASSERT_TRUE(write(3000, 'y', "ROLLBACK"));
    EXPECT_GT(PageCacheTruncationsPassed(), passed);
    ASSERT_TRUE(write(100, 'z', "COMMIT"));

    RawDb raw(path);
    EXPECT_EQ(raw.Column("PRAGMA integrity_check"), std::vector<std::string>{"ok"});
    EXPECT_EQ(raw.Column("SELECT count(*) FROM t"), std::vector<std::string>{"4100"});
    EXPECT_EQ(raw.Column("SELECT count(*) FROM t WHERE body LIKE 'y%'"), std::vector<std::string>{"0"});
}

}  // namespace
}  // namespace rt::storage::sqlite
