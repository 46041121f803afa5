// What only the PostgreSQL store does, beyond the conformance suite: reconnecting after the server dropped its
// connections (as on a restart or a failover), following changes with LISTEN across such a drop, and the SQL
// rewriting and error mapping of its driver.

#include "storage/postgres/pg_store.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "ports/fakes.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "support/pg_test_db.hpp"

namespace rt::storage::postgres {
namespace {

using namespace std::chrono_literals;

TEST(PgRewriteParameters, NumbersBecomeDollarsOutsideQuotedText) {
    int highest = 0;
    EXPECT_EQ(RewriteParameters("SELECT a FROM t WHERE b = ?1 AND c = '?2' AND d IN (?12, ?3)", &highest),
              "SELECT a FROM t WHERE b = $1 AND c = '?2' AND d IN ($12, $3)");
    EXPECT_EQ(highest, 12);
    EXPECT_EQ(RewriteParameters("SELECT 1", &highest), "SELECT 1");
    EXPECT_EQ(highest, 0);
}

TEST(PgRedactUrl, HidesThePasswordsOnly) {
    EXPECT_EQ(RedactUrl("postgresql://app:s3cret@db.internal:5432/reftrack"),
              "postgresql://app:***@db.internal:5432/reftrack");
    EXPECT_EQ(RedactUrl("postgresql://app@db.internal/reftrack"), "postgresql://app@db.internal/reftrack");
    EXPECT_EQ(RedactUrl("postgresql://db.internal/reftrack"), "postgresql://db.internal/reftrack");
    EXPECT_EQ(RedactUrl("postgresql://app@db/x?password=s3cret&sslmode=require"),
              "postgresql://app@db/x?password=***&sslmode=require");
    EXPECT_EQ(RedactUrl("postgresql://app:a@db/x?sslmode=require&password=s3cret"),
              "postgresql://app:***@db/x?sslmode=require&password=***");
}

// Runs Store::FollowChanges on a thread of its own and keeps what it reports. `applies(change)` is what the
// callback answers (true: applied).
class Follower {
  public:
    Follower(ports::Store& store, std::function<bool(const ports::StoreChange&)> applies)
        : applies_(std::move(applies)), thread_([this, &store](std::stop_token stop) {
              store.FollowChanges(stop, [this](const ports::StoreChange& change) {
                  std::lock_guard lock(mu_);
                  seen_.push_back(change);
                  changed_.notify_all();
                  return applies_(change);
              });
          }) {}

    // Waits until `count` changes were reported (10 s at most); false when they were not.
    bool Await(std::size_t count) {
        std::unique_lock lock(mu_);
        return changed_.wait_for(lock, 10s, [&] { return seen_.size() >= count; });
    }
    ports::StoreChange operator[](std::size_t i) {
        std::lock_guard lock(mu_);
        return seen_.at(i);
    }

  private:
    std::function<bool(const ports::StoreChange&)> applies_;
    std::mutex mu_;
    std::condition_variable changed_;
    std::vector<ports::StoreChange> seen_;  // guarded by mu_
    std::jthread thread_;                   // last: stopped and joined first
};

class PgStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!rt::testing::PgTestServerUrl()) {
            GTEST_SKIP() << "RT_TEST_PG_DIR is not set: run through ctest, which starts a PostgreSQL cluster";
        }
        url_ = rt::testing::CreatePgTestDatabase();
        ASSERT_FALSE(url_.empty());
        auto store = PgStore::Open(url_, 4);
        ASSERT_TRUE(store) << store.error().message();
        store_ = std::move(*store);
        auto migrated = store_->Migrate();
        ASSERT_TRUE(migrated) << migrated.error().message();
    }
    void TearDown() override {
        store_.reset();
        if (!url_.empty()) rt::testing::DropPgTestDatabase(url_);
    }

    // Ends every other session on the test's database, as a server restart would: returns how many.
    int DropConnections() {
        PGconn* conn = PQconnectdb(url_.c_str());
        EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
        PGresult* result = PQexec(conn,
                                  "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = current_database() AND pid <> pg_backend_pid()) AS ended");
        EXPECT_EQ(PQresultStatus(result), PGRES_TUPLES_OK) << PQerrorMessage(conn);
        const int ended = PQresultStatus(result) == PGRES_TUPLES_OK ? std::atoi(PQgetvalue(result, 0, 0)) : 0;
        PQclear(result);
        PQfinish(conn);
        return ended;
    }

    core::Program MakeProgram(const std::string& name) {
        core::Program p;
        now_.unix_ms += 1;
        p.id = core::ProgramId::Generate(now_, random_);
        p.name = name;
        p.currency = core::Currency::FromTrusted("EUR");
        p.destination_domains = {"shop.example"};
        p.created_at = p.updated_at = now_;
        return p;
    }

    core::Result<void> Insert(const core::Program& program) {
        return store_->Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) { return tx.InsertProgram(program); });
    }

    std::string url_;
    std::unique_ptr<PgStore> store_;
    core::TimePoint now_{1'795'000'000'000};
    ports::SeededRandom random_;
};

TEST_F(PgStoreTest, ReconnectsAfterTheServerDroppedEveryConnection) {
    const auto first = MakeProgram("before");
    ASSERT_TRUE(Insert(first));
    ASSERT_GE(DropConnections(), 1) << "the pool's idle connection was not there to drop";

    // The idle connection is dead: the next transaction finds out at BEGIN, drops it and opens another.
    auto read = ports::Transact<core::Program>(*store_, ports::TxMode::kRead,
                                               [&](ports::StoreTx& tx) { return tx.GetProgram(first.id); });
    ASSERT_TRUE(read) << read.error().message();
    EXPECT_EQ(read->name, "before");
    EXPECT_TRUE(Insert(MakeProgram("after")));
    ASSERT_GE(DropConnections(), 1);
    EXPECT_TRUE(store_->Ping());
}

TEST_F(PgStoreTest, FollowsChangesCommittedByAnyConnectionAndResyncsAfterADrop) {
    Follower seen(*store_, [](const ports::StoreChange&) { return true; });
    ASSERT_TRUE(seen.Await(1));
    EXPECT_EQ(seen[0].kind, ports::StoreChange::Kind::kResync);

    const auto program = MakeProgram("announced");
    ASSERT_TRUE(Insert(program));
    ASSERT_TRUE(seen.Await(2));
    EXPECT_EQ(seen[1].kind, ports::StoreChange::Kind::kProgram);
    EXPECT_EQ(seen[1].id, program.id.str());

    // A rolled-back change is never announced.
    auto failed = store_->Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertProgram(MakeProgram("rolled back")); !ok) return ok;
        return core::Fail(core::Error::Internal("undo"));
    });
    ASSERT_FALSE(failed);

    // The listener's connection drops: it reconnects and reports a resync, then follows again.
    ASSERT_GE(DropConnections(), 1);
    ASSERT_TRUE(seen.Await(3));
    EXPECT_EQ(seen[2].kind, ports::StoreChange::Kind::kResync);
    const auto later = MakeProgram("after the drop");
    ASSERT_TRUE(Insert(later));
    ASSERT_TRUE(seen.Await(4));
    EXPECT_EQ(seen[3].kind, ports::StoreChange::Kind::kProgram);
    EXPECT_EQ(seen[3].id, later.id.str());
}

TEST_F(PgStoreTest, AChangeTheFollowerCouldNotApplyIsFollowedByAResync) {
    // As if re-reading every program failed.
    Follower seen(*store_, [](const ports::StoreChange& c) { return c.kind != ports::StoreChange::Kind::kProgram; });
    ASSERT_TRUE(seen.Await(1));
    ASSERT_TRUE(Insert(MakeProgram("not applied")));
    ASSERT_TRUE(seen.Await(3));
    EXPECT_EQ(seen[1].kind, ports::StoreChange::Kind::kProgram);
    EXPECT_EQ(seen[2].kind, ports::StoreChange::Kind::kResync) << "the follower starts over instead of going on";
}

}  // namespace
}  // namespace rt::storage::postgres
