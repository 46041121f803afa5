// The storage conformance suite, part 4: schema versions, durability, concurrency.

#include <chrono>
#include <future>
#include <set>
#include <thread>

#include "storage/store_conformance.hpp"

namespace rt::storage::testing {
namespace {

using namespace std::chrono_literals;

// Generous: only a deadlock or a lock wait reaches it, never a slow machine.
constexpr auto kDeadlockGuard = 20s;

TEST_P(StoreConformanceTest, MigrateIsIdempotentAndKeepsData) {
    const int latest = store_->LatestSchemaVersion();
    ASSERT_GE(latest, 1);
    auto version = store_->SchemaVersion();
    ASSERT_TRUE(version);
    EXPECT_EQ(*version, latest);

    const auto program = MakeProgram();
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertProgram(program); }));
    for (int i = 0; i < 2; ++i) {
        auto again = store_->Migrate();
        ASSERT_TRUE(again) << again.error().message();
        EXPECT_EQ(*again, latest);
    }
    EXPECT_TRUE(Read([&](ports::StoreTx& tx) { return tx.GetProgram(program.id); }));
}

TEST_P(StoreConformanceTest, FreshStoreIsAtVersionZeroUntilMigrated) {
    auto fresh = GetParam().open(dir_.path() / "fresh");
    ASSERT_TRUE(fresh) << fresh.error().message();
    auto before = (*fresh)->SchemaVersion();
    ASSERT_TRUE(before) << before.error().message();
    EXPECT_EQ(*before, 0);

    auto migrated = (*fresh)->Migrate();
    ASSERT_TRUE(migrated) << migrated.error().message();
    EXPECT_EQ(*migrated, (*fresh)->LatestSchemaVersion());
    auto after = (*fresh)->SchemaVersion();
    ASSERT_TRUE(after);
    EXPECT_EQ(*after, (*fresh)->LatestSchemaVersion());
}

TEST_P(StoreConformanceTest, DataSurvivesClosingAndReopening) {
    if (!GetParam().durable) GTEST_SKIP() << GetParam().name << " keeps nothing after close";
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto link = MakeLink(partner);
    const auto key = MakeApiKey("ci", core::Scope::ForIngest(program.id));
    InsertChain(program, partner, link);
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertApiKey(key); }));

    store_.reset();
    store_ = OpenStore();
    ASSERT_NE(store_, nullptr);
    auto version = store_->SchemaVersion();
    ASSERT_TRUE(version);
    EXPECT_EQ(*version, store_->LatestSchemaVersion());
    auto got = Read([&](ports::StoreTx& tx) -> core::Result<std::string> {
        auto p = tx.GetProgram(program.id);
        auto pa = tx.GetPartner(partner.id);
        auto l = tx.GetLinkByCode(link.code);
        auto k = tx.GetApiKey(key.id);
        if (!p || !pa || !l || !k) return core::Fail(core::Error::NotFound("something was lost"));
        return Describe(*p) + "\n" + Describe(*pa) + "\n" + Describe(*l) + "\n" + Describe(*k);
    });
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(*got, Describe(program) + "\n" + Describe(partner) + "\n" + Describe(link) + "\n" + Describe(key));
}

TEST_P(StoreConformanceTest, NewerSchemaIsRefused) {
    if (!GetParam().force_schema_version) GTEST_SKIP() << GetParam().name << " cannot record a foreign version";
    const int latest = store_->LatestSchemaVersion();
    store_.reset();
    GetParam().force_schema_version(dir_.path(), latest + 4);
    store_ = OpenStore();
    ASSERT_NE(store_, nullptr);

    auto refused = store_->Migrate();
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), core::ErrorCode::kConflict);
    EXPECT_EQ(refused.error().message(), "database schema version " + std::to_string(latest + 4) +
                                             " is newer than this reftrack supports (" + std::to_string(latest) +
                                             "); upgrade reftrack");
    auto version = store_->SchemaVersion();
    ASSERT_TRUE(version);
    EXPECT_EQ(*version, latest + 4);
}

// Each thread inserts its own programs and, in the same transactions, appends to one shared program's
// domains (read, modify, write): a lost update or a lost insert shows in the totals.
TEST_P(StoreConformanceTest, ConcurrentWritersLoseNothing) {
    constexpr int kThreads = 4;
    constexpr int kPerThread = 15;
    const auto shared = MakeProgram();
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertProgram(shared); }));
    std::vector<std::vector<core::Program>> work(kThreads);
    for (auto& programs : work) {
        for (int i = 0; i < kPerThread; ++i) programs.push_back(MakeProgram());
    }

    auto writer = [&](int t) {
        int failures = 0;
        for (int i = 0; i < kPerThread; ++i) {
            auto done = Write([&](ports::StoreTx& tx) -> core::Result<void> {
                if (auto ok = tx.InsertProgram(work[t][i]); !ok) return ok;
                auto program = tx.GetProgram(shared.id);
                if (!program) return core::Fail(program.error());
                std::this_thread::yield();  // widens the window in which a lost update would happen
                program->destination_domains.push_back("t" + std::to_string(t) + "-" + std::to_string(i) + ".example");
                return tx.UpdateProgram(*program);
            });
            failures += done ? 0 : 1;
        }
        return failures;
    };
    std::vector<std::future<int>> threads;
    for (int t = 0; t < kThreads; ++t) threads.push_back(std::async(std::launch::async, writer, t));
    for (auto& f : threads) EXPECT_EQ(f.get(), 0);

    auto count = Read([](ports::StoreTx& tx) { return tx.CountPrograms(); });
    ASSERT_TRUE(count);
    EXPECT_EQ(*count, 1 + kThreads * kPerThread);
    auto program = Read([&](ports::StoreTx& tx) { return tx.GetProgram(shared.id); });
    ASSERT_TRUE(program);
    const std::set<std::string> domains(program->destination_domains.begin(), program->destination_domains.end());
    EXPECT_EQ(domains.size(), static_cast<std::size_t>(2 + kThreads * kPerThread));
}

TEST_P(StoreConformanceTest, ReadTransactionIsNotBlockedByAnOpenWriter) {
    if (!GetParam().reads_during_write) GTEST_SKIP() << GetParam().name << " serializes readers behind writers";
    const auto before = MakeProgram();
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertProgram(before); }));
    const auto pending = MakeProgram();

    std::promise<void> written, release;
    auto release_future = release.get_future().share();
    auto writer = std::async(std::launch::async, [&] {
        return Write([&](ports::StoreTx& tx) -> core::Result<void> {
            auto inserted = tx.InsertProgram(pending);
            written.set_value();
            if (!inserted) return inserted;
            release_future.wait();
            return {};
        });
    });
    written.get_future().wait();

    auto reader = std::async(std::launch::async, [&] {
        return Read([&](ports::StoreTx& tx) -> core::Result<std::string> {
            auto count = tx.CountPrograms();
            if (!count) return core::Fail(count.error());
            const bool sees_pending = static_cast<bool>(tx.GetProgram(pending.id));
            return std::to_string(*count) + (sees_pending ? " with the uncommitted program" : "");
        });
    });
    const bool finished = reader.wait_for(kDeadlockGuard) == std::future_status::ready;
    release.set_value();
    ASSERT_TRUE(finished) << "the read waited for the writer";
    auto seen = reader.get();
    ASSERT_TRUE(seen) << seen.error().message();
    EXPECT_EQ(*seen, "1");

    auto committed = writer.get();
    ASSERT_TRUE(committed) << committed.error().message();
    EXPECT_TRUE(Read([&](ports::StoreTx& tx) { return tx.GetProgram(pending.id); }));
}

TEST_P(StoreConformanceTest, ReadTransactionSeesOneSnapshotWhileAWriterCommits) {
    if (!GetParam().reads_during_write) GTEST_SKIP() << GetParam().name << " serializes writers behind readers";
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertProgram(MakeProgram()); }));
    const auto committed_meanwhile = MakeProgram();

    auto counts = Read([&](ports::StoreTx& tx) -> core::Result<std::string> {
        auto first = tx.CountPrograms();
        if (!first) return core::Fail(first.error());
        auto writer = std::async(std::launch::async, [&] {
            return Write([&](ports::StoreTx& w) { return w.InsertProgram(committed_meanwhile); });
        });
        if (writer.wait_for(kDeadlockGuard) != std::future_status::ready) {
            return core::Fail(core::Error::Internal("the writer waited for the reader"));
        }
        if (auto done = writer.get(); !done) return core::Fail(done.error());
        auto second = tx.CountPrograms();
        if (!second) return core::Fail(second.error());
        return std::to_string(*first) + " then " + std::to_string(*second);
    });
    ASSERT_TRUE(counts) << counts.error().message();
    EXPECT_EQ(*counts, "1 then 1");
    auto after = Read([](ports::StoreTx& tx) { return tx.CountPrograms(); });
    ASSERT_TRUE(after);
    EXPECT_EQ(*after, 2);
}

}  // namespace
}  // namespace rt::storage::testing
