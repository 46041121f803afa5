// SQLite-only behaviour the conformance suite cannot see: file settings, schema objects, error mapping,
// statement reuse, corrupt rows.

#include "storage/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "ports/fakes.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_connection.hpp"
#include "storage/sqlite/sqlite_error.hpp"
#include "support/temp_dir.hpp"

namespace rt::storage::sqlite {
namespace {

// A plain connection to the test's file, beside the store's own.
class RawDb {
  public:
    explicit RawDb(const std::filesystem::path& path) {
        EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
        sqlite3_busy_timeout(db_, 0);
    }
    ~RawDb() { sqlite3_close(db_); }
    RawDb(const RawDb&) = delete;
    RawDb& operator=(const RawDb&) = delete;

    int Exec(const std::string& sql) { return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr); }
    // The first column of every row of `sql`.
    std::vector<std::string> Column(const std::string& sql) {
        std::vector<std::string> out;
        auto collect = [](void* rows, int, char** values, char**) -> int {
            static_cast<std::vector<std::string>*>(rows)->push_back(values[0] ? values[0] : "NULL");
            return 0;
        };
        EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), collect, &out, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
        return out;
    }
    sqlite3* get() const { return db_; }

  private:
    sqlite3* db_ = nullptr;
};

class SqliteStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto opened = SqliteStore::Open(path_, 2);
        ASSERT_TRUE(opened) << opened.error().message();
        store_ = std::move(*opened);
        ASSERT_TRUE(store_->Migrate());
    }

    rt::testing::TempDir dir_;
    std::filesystem::path path_ = dir_.path() / "db" / "reftrack.db";
    std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteStoreTest, FileIsInWalMode) {
    RawDb raw(path_);
    EXPECT_EQ(raw.Column("PRAGMA journal_mode"), std::vector<std::string>{"wal"});
}

// The whole schema after every migration: the tables, and on the click table — the one that grows
// fastest — no index beyond the one attribution lookups need.
TEST_F(SqliteStoreTest, MigrationsCreateTheSchemaAndRecordEveryVersion) {
    RawDb raw(path_);
    const auto tables = raw.Column("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
    for (const std::string t :
         {"api_keys", "clicks", "commissions", "conversion_credits", "conversions", "coupons", "customers", "events",
          "idempotency_keys", "links", "partners", "programs", "referrals", "schema_migrations"}) {
        EXPECT_NE(std::find(tables.begin(), tables.end(), t), tables.end()) << t;
    }
    const auto click_indexes =
        raw.Column("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'clicks' AND sql IS NOT NULL");
    EXPECT_LE(click_indexes.size(), 1u);
    std::vector<std::string> want;
    for (int v = 1; v <= LatestSchemaVersion(); ++v) want.push_back(std::to_string(v));
    EXPECT_EQ(raw.Column("SELECT version FROM schema_migrations ORDER BY version"), want);
    for (const auto& at : raw.Column("SELECT applied_at FROM schema_migrations")) {
        EXPECT_GT(std::stoll(at), 1'600'000'000'000LL) << "unix milliseconds";
    }
}

TEST(SqliteMigrationsTest, VersionsStartAtOneAndAreConsecutive) {
    int want = 1;
    for (const auto& m : Migrations()) {
        EXPECT_EQ(m.version, want++);
        EXPECT_FALSE(m.sql.empty());
    }
    EXPECT_EQ(LatestSchemaVersion(), want - 1);
}

TEST_F(SqliteStoreTest, CorruptStoredValueIsInternalAndDoesNotLeakDetails) {
    core::Program program;
    ports::SeededRandom random;
    program.id = core::ProgramId::Generate({1'795'000'000'000}, random);
    program.name = "p";
    program.currency = core::Currency::FromTrusted("EUR");
    program.stages = core::DefaultStages();
    ASSERT_TRUE(store_->Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) { return tx.InsertProgram(program); }));
    RawDb raw(path_);
    ASSERT_EQ(raw.Exec("UPDATE programs SET stages = '[{\"key\": 1}]'"), SQLITE_OK);

    auto got = store_->Transact(ports::TxMode::kRead,
                                [&](ports::StoreTx& tx) { return tx.GetProgram(program.id).map([](auto&&) {}); });
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code(), core::ErrorCode::kInternal);
    EXPECT_EQ(got.error().message().find("key"), std::string::npos) << got.error().message();
}

TEST_F(SqliteStoreTest, WriterLockedByAnotherProcessIsUnavailableAfterTheBusyTimeout) {
    RawDb other(path_);
    ASSERT_EQ(other.Exec("BEGIN IMMEDIATE"), SQLITE_OK);
    auto blocked = store_->Transact(ports::TxMode::kWrite, [](ports::StoreTx&) -> core::Result<void> { return {}; });
    ASSERT_FALSE(blocked);
    EXPECT_EQ(blocked.error().code(), core::ErrorCode::kUnavailable) << blocked.error().message();
    ASSERT_EQ(other.Exec("COMMIT"), SQLITE_OK);
    EXPECT_TRUE(store_->Transact(ports::TxMode::kWrite, [](ports::StoreTx&) -> core::Result<void> { return {}; }));
}

TEST(SqliteConnectionTest, StatementIsResetAndUnboundAfterUse) {
    rt::testing::TempDir dir;
    auto conn = Connection::Open((dir.path() / "x.db").string(), ConnectionRole::kWriter);
    ASSERT_TRUE(conn) << conn.error().message();
    {
        auto first = (*conn)->Prepare("SELECT ?1");
        ASSERT_TRUE(first);
        first->Bind(1, std::int64_t{42});
        ASSERT_TRUE(first->Step().value_or(false));
        EXPECT_EQ(first->Int(0), 42);
    }
    auto again = (*conn)->Prepare("SELECT ?1");
    ASSERT_TRUE(again);
    ASSERT_TRUE(again->Step().value_or(false));
    EXPECT_EQ(again->Text(0), "") << "the binding of the previous use was cleared";
}

TEST(SqliteErrorTest, ConstraintsMapToTheirListedErrorsAndOthersToGenericOnes) {
    RawDb raw(":memory:");
    ASSERT_EQ(
        raw.Exec(
            "CREATE TABLE t (a TEXT UNIQUE, b TEXT UNIQUE, c TEXT NOT NULL); INSERT INTO t VALUES ('x', 'y', 'z')"),
        SQLITE_OK);
    constexpr ConstraintError kListed[] = {{"t.a", core::ErrorCode::kConflict, "a is taken"}};

    const int unique_a = raw.Exec("INSERT INTO t VALUES ('x', 'other', 'z')");
    auto listed = ErrorFrom(raw.get(), unique_a, "insert", kListed);
    EXPECT_EQ(listed.code(), core::ErrorCode::kConflict);
    EXPECT_EQ(listed.message(), "a is taken");

    const int unique_b = raw.Exec("INSERT INTO t VALUES ('other', 'y', 'z')");
    auto unlisted = ErrorFrom(raw.get(), unique_b, "insert", kListed);
    EXPECT_EQ(unlisted.code(), core::ErrorCode::kConflict);
    EXPECT_EQ(unlisted.message().find("t.b"), std::string::npos) << "SQLite's text stays in the log";

    const int not_null = raw.Exec("INSERT INTO t VALUES ('p', 'q', NULL)");
    auto internal = ErrorFrom(raw.get(), not_null, "insert", kListed);
    EXPECT_EQ(internal.code(), core::ErrorCode::kInternal);
    EXPECT_EQ(internal.message().find("NOT NULL"), std::string::npos);
}

TEST(SqliteErrorTest, BusyIsUnavailable) {
    rt::testing::TempDir dir;
    RawDb holder(dir.path() / "x.db"), waiter(dir.path() / "x.db");
    ASSERT_EQ(holder.Exec("BEGIN IMMEDIATE"), SQLITE_OK);
    const int rc = waiter.Exec("BEGIN IMMEDIATE");
    ASSERT_EQ(rc & 0xff, SQLITE_BUSY);
    EXPECT_EQ(ErrorFrom(waiter.get(), rc, "BEGIN IMMEDIATE").code(), core::ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace rt::storage::sqlite
