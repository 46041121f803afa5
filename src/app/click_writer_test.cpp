#include "app/click_writer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ports/fakes.hpp"
#include "storage/open_store.hpp"

namespace rt::app {
namespace {

using namespace std::chrono_literals;

// Holds write transactions after their body ran and before they commit, until opened; counts arrivals.
class Gate {
  public:
    void Enter() {
        std::unique_lock lock(mu_);
        ++entered_;
        cv_.notify_all();
        cv_.wait(lock, [this] { return open_; });
    }
    void Open() {
        std::lock_guard lock(mu_);
        open_ = true;
        cv_.notify_all();
    }
    // Waits until `n` transactions arrived (open or not); false after 10 s.
    bool AwaitEntered(int n) {
        std::unique_lock lock(mu_);
        return cv_.wait_for(lock, 10s, [&] { return entered_ >= n; });
    }

  private:
    std::mutex mu_;
    std::condition_variable cv_;
    int entered_ = 0;
    bool open_ = false;
};

// A store wrapper that records every committed write transaction in a shared log ("commit <n>"), can
// hold transactions at a Gate just before their commit, and can fail every write instead of committing.
class RecordingStore final : public ports::Store {
  public:
    RecordingStore(ports::Store& inner, Gate* gate, std::vector<std::string>& log, std::mutex& log_mu)
        : inner_(inner), gate_(gate), log_(log), log_mu_(log_mu) {}

    void FailWrites() { fail_writes_ = true; }
    // The next `n` write transactions fail with kUnavailable after their body ran (and keep nothing).
    void FailNextWrites(int n) { fail_next_ = n; }
    int write_transactions() const { return writes_.load(); }

    core::Result<void> Transact(ports::TxMode mode,
                                const std::function<core::Result<void>(ports::StoreTx&)>& body) override {
        if (mode == ports::TxMode::kRead) return inner_.Transact(mode, body);
        const int n = ++writes_;
        auto done = inner_.Transact(mode, [&](ports::StoreTx& tx) -> core::Result<void> {
            if (auto ok = body(tx); !ok) return ok;
            if (gate_ != nullptr) gate_->Enter();
            if (fail_writes_) return core::Fail(core::Error::Unavailable("disk full"));
            if (fail_next_.fetch_sub(1) > 0) return core::Fail(core::Error::Unavailable("deadlock detected"));
            return {};
        });
        if (done) {
            std::lock_guard lock(log_mu_);
            log_.push_back("commit " + std::to_string(n));
        }
        return done;
    }
    core::Result<int> Migrate() override { return inner_.Migrate(); }
    core::Result<int> SchemaVersion() override { return inner_.SchemaVersion(); }
    int LatestSchemaVersion() const override { return inner_.LatestSchemaVersion(); }
    core::Result<void> Ping() override { return inner_.Ping(); }
    std::string_view Backend() const override { return "recording"; }

  private:
    ports::Store& inner_;
    Gate* gate_;
    std::vector<std::string>& log_;
    std::mutex& log_mu_;
    std::atomic<bool> fail_writes_{false};
    std::atomic<int> fail_next_{0};
    std::atomic<int> writes_{0};
};

class ClickWriterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto store = storage::OpenStore("memory://");
        ASSERT_TRUE(store) << store.error().message();
        inner_ = std::move(*store);
        ASSERT_TRUE(inner_->Migrate());
        store_ = std::make_unique<RecordingStore>(*inner_, &gate_, log_, log_mu_);
    }

    core::Click NewClick() {
        clock_.Advance(1);
        core::Click c;
        c.id = core::ClickId::Generate(clock_.Now(), random_);
        c.program_id = core::ProgramId::Generate(clock_.Now(), random_);
        c.partner_id = core::PartnerId::Generate(clock_.Now(), random_);
        c.link_id = core::LinkId::Generate(clock_.Now(), random_);
        c.visitor_id = core::VisitorId::Generate(clock_.Now(), random_);
        c.at = clock_.Now();
        return c;
    }

    // Submits a fresh click whose callback logs "done <id>" and records the outcome.
    core::Result<void> Submit(ClickWriter& writer) {
        auto click = NewClick();
        const std::string id = click.id.str();
        {
            std::lock_guard lock(log_mu_);
            submitted_.push_back(id);
        }
        return writer.Submit(std::move(click), [this, id](const core::Result<void>& r, core::Click& written) {
            EXPECT_EQ(written.id.str(), id) << "each callback gets its own click";
            std::lock_guard lock(log_mu_);
            log_.push_back("done " + id);
            outcomes_[id] = r ? "ok" : r.error().message();
            done_cv_.notify_all();
        });
    }

    // Waits until `n` callbacks ran; false after 10 s.
    bool AwaitDone(std::size_t n) {
        std::unique_lock lock(log_mu_);
        return done_cv_.wait_for(lock, 10s, [&] { return outcomes_.size() >= n; });
    }

    bool Stored(const std::string& id) {
        return inner_
            ->Transact(ports::TxMode::kRead,
                       [&](ports::StoreTx& tx) -> core::Result<void> {
                           auto got = tx.GetClick(core::ClickId::FromTrusted(id));
                           if (!got) return core::Fail(got.error());
                           return {};
                       })
            .has_value();
    }

    // The sizes of the committed batches, in order, from the observer.
    ClickWriter::BatchObserver SizeObserver() {
        return [this](const ClickBatchReport& r) {
            std::lock_guard lock(log_mu_);
            batch_sizes_.push_back(r.committed ? static_cast<int>(r.clicks) : -static_cast<int>(r.clicks));
            batches_lingered_.push_back(r.lingered);
        };
    }

    ports::FakeClock clock_;
    ports::SeededRandom random_;
    Gate gate_;
    std::mutex log_mu_;
    std::condition_variable done_cv_;
    std::vector<std::string> log_;                 // guarded by log_mu_
    std::vector<std::string> submitted_;           // guarded by log_mu_
    std::map<std::string, std::string> outcomes_;  // id → "ok" or the error; guarded by log_mu_
    std::vector<int> batch_sizes_;                 // guarded by log_mu_; negative for failed batches
    std::vector<bool> batches_lingered_;           // guarded by log_mu_: each batch's report said it lingered
    std::unique_ptr<ports::Store> inner_;
    std::unique_ptr<RecordingStore> store_;
};

// While one batch commits, clicks from many threads queue up; the next batch takes them all at once.
TEST_F(ClickWriterTest, BatchesFormUnderConcurrentSubmitters) {
    ClickWriter writer(*store_, {.max_batch = 256, .max_queue = 65536}, {}, SizeObserver());
    writer.Start();
    ASSERT_TRUE(Submit(writer));
    ASSERT_TRUE(gate_.AwaitEntered(1));  // the first batch (one click) waits to commit

    std::vector<std::thread> submitters;
    for (int t = 0; t < 4; ++t) {
        submitters.emplace_back([&] {
            for (int i = 0; i < 250; ++i) EXPECT_TRUE(Submit(writer));
        });
    }
    for (auto& t : submitters) t.join();
    EXPECT_EQ(writer.queue_depth(), 1000u);
    gate_.Open();
    ASSERT_TRUE(AwaitDone(1001));
    writer.Stop();

    EXPECT_EQ(batch_sizes_, (std::vector<int>{1, 256, 256, 256, 232}));
    EXPECT_EQ(store_->write_transactions(), 5) << "one transaction per batch, not per click";
    EXPECT_EQ(writer.batches_committed(), 5u);
    EXPECT_EQ(writer.clicks_committed(), 1001u);
    for (const auto& [id, outcome] : outcomes_) EXPECT_EQ(outcome, "ok") << id;
    EXPECT_TRUE(Stored(submitted_.front()));
    EXPECT_TRUE(Stored(submitted_.back()));
}

TEST_F(ClickWriterTest, ABatchIsAsLargeAsWhatQueuedUpToMaxBatch) {
    ClickWriter writer(*store_, {}, {}, SizeObserver());  // max_batch 1024
    writer.Start();
    ASSERT_TRUE(Submit(writer));
    ASSERT_TRUE(gate_.AwaitEntered(1));
    for (int i = 0; i < 1500; ++i) ASSERT_TRUE(Submit(writer));
    gate_.Open();
    ASSERT_TRUE(AwaitDone(1501));
    writer.Stop();
    EXPECT_EQ(batch_sizes_, (std::vector<int>{1, 1024, 476}));
}

// Every callback runs after the commit of the transaction that wrote its click, never before.
TEST_F(ClickWriterTest, CallbacksFireOnlyAfterTheirBatchCommitted) {
    auto log_writes = [this](ports::StoreTx&, std::span<const core::Click> clicks) -> core::Result<void> {
        std::lock_guard lock(log_mu_);
        for (const auto& c : clicks) log_.push_back("write " + c.id.str());
        return {};
    };
    ClickWriter writer(*store_, {}, log_writes);
    writer.Start();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(Submit(writer));
    ASSERT_TRUE(gate_.AwaitEntered(1));  // written, not committed
    std::this_thread::sleep_for(50ms);
    {
        std::lock_guard lock(log_mu_);
        EXPECT_TRUE(outcomes_.empty()) << "a callback ran before its batch committed";
    }
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(Submit(writer));
    gate_.Open();
    ASSERT_TRUE(AwaitDone(8));
    writer.Stop();

    std::lock_guard lock(log_mu_);
    ASSERT_GE(store_->write_transactions(), 2);
    for (const auto& id : submitted_) {
        const auto write = std::find(log_.begin(), log_.end(), "write " + id);
        const auto done = std::find(log_.begin(), log_.end(), "done " + id);
        ASSERT_NE(write, log_.end()) << id;
        ASSERT_NE(done, log_.end()) << id;
        const auto commit =
            std::find_if(write, log_.end(), [](const std::string& l) { return l.starts_with("commit"); });
        EXPECT_LT(commit, done) << id << ": its callback ran before the commit of its batch";
        EXPECT_EQ(outcomes_[id], "ok");
    }
}

TEST_F(ClickWriterTest, AFailedBatchGivesEveryCallbackTheErrorAndKeepsNothing) {
    store_->FailWrites();
    ClickWriter writer(*store_, {}, {}, SizeObserver());
    writer.Start();
    ASSERT_TRUE(Submit(writer));
    ASSERT_TRUE(gate_.AwaitEntered(1));
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(Submit(writer));
    gate_.Open();
    ASSERT_TRUE(AwaitDone(11));
    writer.Stop();

    EXPECT_EQ(batch_sizes_, (std::vector<int>{-1, -10}));
    EXPECT_EQ(writer.batches_committed(), 0u);
    for (const auto& id : submitted_) {
        EXPECT_EQ(outcomes_[id], "disk full") << id;
        EXPECT_FALSE(Stored(id)) << id;
    }
}

TEST_F(ClickWriterTest, ABatchTheDatabaseAskedToRetryIsWrittenAgainOnce) {
    store_->FailNextWrites(2);
    gate_.Open();
    ClickWriter writer(*store_, {}, {}, SizeObserver());
    writer.Start();
    ASSERT_TRUE(Submit(writer));
    ASSERT_TRUE(AwaitDone(1));
    writer.Stop();
    EXPECT_EQ(outcomes_[submitted_.front()], "ok");
    EXPECT_TRUE(Stored(submitted_.front()));
    EXPECT_EQ(store_->write_transactions(), 3) << "two refused writes, then the one that committed";
    EXPECT_EQ(batch_sizes_, (std::vector<int>{1}));
    EXPECT_EQ(writer.clicks_committed(), 1u);
}

TEST_F(ClickWriterTest, TheLedgerHookRunsInTheBatchTransactionAndItsFailureFailsTheBatch) {
    std::vector<std::size_t> seen;
    ClickWriter writer(*store_, {}, [&](ports::StoreTx& tx, std::span<const core::Click> clicks) -> core::Result<void> {
        seen.push_back(clicks.size());
        // The batch's clicks are visible to the hook: it may chain them into the ledger.
        if (!tx.GetClick(clicks.front().id)) return core::Fail(core::Error::Internal("click not in the transaction"));
        return core::Fail(core::Error::Conflict("the ledger moved on"));
    });
    writer.Start();
    gate_.Open();
    ASSERT_TRUE(Submit(writer));
    ASSERT_TRUE(AwaitDone(1));
    writer.Stop();
    EXPECT_EQ(seen, std::vector<std::size_t>{1});
    EXPECT_EQ(outcomes_[submitted_.front()], "the ledger moved on");
    EXPECT_FALSE(Stored(submitted_.front()));
}

TEST_F(ClickWriterTest, AFullQueueRefusesAtOnce) {
    ClickWriter writer(*store_, {.max_batch = 1024, .max_queue = 4});
    writer.Start();
    ASSERT_TRUE(Submit(writer));
    ASSERT_TRUE(gate_.AwaitEntered(1));  // the writer holds one click; the queue is empty
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(Submit(writer)) << i;
    auto refused = Submit(writer);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), core::ErrorCode::kUnavailable);
    EXPECT_EQ(writer.queue_depth(), 4u);
    // A refused Submit leaves its click and callback to the caller, who still answers through them.
    auto click = NewClick();
    const core::Click whole = click;
    ClickWriter::Done done = [](const core::Result<void>&, core::Click&) {};
    ASSERT_FALSE(writer.Submit(std::move(click), std::move(done)));
    EXPECT_EQ(click, whole) << "a refused click is not moved from";
    EXPECT_TRUE(done) << "a refused callback is not moved from";

    gate_.Open();
    ASSERT_TRUE(AwaitDone(5));
    writer.Stop();
    std::lock_guard lock(log_mu_);
    EXPECT_EQ(outcomes_.size(), 5u) << "the refused click's callback never runs";
    EXPECT_FALSE(Stored(submitted_.back()));
}

TEST_F(ClickWriterTest, StopDrainsEverythingQueuedThenRefuses) {
    ClickWriter writer(*store_, {.max_batch = 16, .max_queue = 1000});
    writer.Start();
    ASSERT_TRUE(Submit(writer));
    ASSERT_TRUE(gate_.AwaitEntered(1));
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(Submit(writer));
    std::thread stopper([&] { writer.Stop(); });
    // Until Stop takes effect a click is still accepted (and will be written); then every one is refused.
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (Submit(writer) && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    EXPECT_FALSE(Submit(writer)) << "a stopping writer takes no new clicks";
    gate_.Open();
    stopper.join();

    std::lock_guard lock(log_mu_);
    const std::size_t accepted = submitted_.size() - 2;  // the last two were refused
    EXPECT_GE(accepted, 101u);
    EXPECT_EQ(outcomes_.size(), accepted) << "every queued click was written before Stop returned";
    for (std::size_t i = 0; i < accepted; ++i) {
        EXPECT_EQ(outcomes_[submitted_[i]], "ok");
        EXPECT_TRUE(Stored(submitted_[i]));
    }
    EXPECT_EQ(writer.queue_depth(), 0u);
}

// The chore runs after a batch's answers went out, again at once while it says it left work, then rests until
// another batch commits; Stop runs it after the last batch.
TEST_F(ClickWriterTest, TheChoreFollowsBatchesRepeatsWhileItLeavesWorkAndRunsAtStop) {
    gate_.Open();
    std::atomic<int> runs{0};
    std::atomic<int> left{2};  // how many more runs say they left work
    ClickWriter writer(*store_, {.chore_every = 10ms}, {}, {}, [&] {
        {
            std::lock_guard lock(log_mu_);
            log_.push_back("chore");
        }
        ++runs;
        return left.fetch_sub(1) > 0;
    });
    ASSERT_TRUE(Submit(writer));  // before Start: the first batch comes before the first chore
    writer.Start();
    ASSERT_TRUE(AwaitDone(1));
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (runs < 3 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    ASSERT_EQ(runs, 3) << "once after the batch, then twice more as it left work";
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(runs, 3) << "no batch since and no work left: it rests";
    {
        std::lock_guard lock(log_mu_);
        const auto done = std::find(log_.begin(), log_.end(), "done " + submitted_[0]);
        const auto chore = std::find(log_.begin(), log_.end(), "chore");
        ASSERT_NE(done, log_.end());
        EXPECT_LT(done, chore) << "the answer went out before the chore ran";
    }
    ASSERT_TRUE(Submit(writer));
    writer.Stop();
    EXPECT_EQ(runs, 4) << "the batch before Stop is followed by one more run, on time or at Stop";
    writer.Stop();  // as the destructor does after its owner's Stop
    EXPECT_EQ(runs, 4) << "a second Stop runs nothing again";
}

TEST_F(ClickWriterTest, WorkOwedByAnotherWriterWakesTheChoreWithoutAClick) {
    // Conversions leave their report cells pending too (ConversionService::SetRollupWrites): their writer owes
    // the chore, which must run although no click comes.
    gate_.Open();
    std::atomic<int> runs{0};
    ClickWriter writer(*store_, {.chore_every = 10ms}, {}, {}, [&] {
        ++runs;
        return false;
    });
    writer.Start();
    auto await_runs = [&](int n) {
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (runs < n && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
        return runs.load();
    };
    ASSERT_EQ(await_runs(1), 1) << "at the start, for what a crash may have left";
    std::this_thread::sleep_for(50ms);
    ASSERT_EQ(runs, 1) << "then it rests: nothing owed";
    writer.OweChore();
    EXPECT_EQ(await_runs(2), 2);
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(runs, 2) << "one run per time it was owed";
    writer.OweChore();
    EXPECT_EQ(await_runs(3), 3);
    writer.Stop();
    EXPECT_EQ(runs, 3);
}

// Fewer clicks queued than the batch before held: the writer waits for as many (the requests in flight, which
// that batch's answers sent back), so that they commit together rather than in two batches.
TEST_F(ClickWriterTest, ABatchLingersUntilItIsAsLargeAsTheOneBefore) {
    gate_.Open();
    // Far longer than AwaitDone waits: the third click must end the linger, not its time.
    ClickWriter writer(*store_, {.linger = std::chrono::seconds(60)}, {}, SizeObserver());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(Submit(writer));
    writer.Start();
    ASSERT_TRUE(AwaitDone(3));  // the first batch takes what queued: no batch before it
    for (int i = 0; i < 2; ++i) ASSERT_TRUE(Submit(writer));
    std::this_thread::sleep_for(50ms);
    {
        std::lock_guard lock(log_mu_);
        EXPECT_EQ(outcomes_.size(), 3u) << "two of three clicks: the writer waits for the third";
    }
    ASSERT_TRUE(Submit(writer));
    ASSERT_TRUE(AwaitDone(6));
    writer.Stop();
    EXPECT_EQ(batch_sizes_, (std::vector<int>{3, 3}));
    EXPECT_EQ(store_->write_transactions(), 2);
    EXPECT_EQ(writer.batches_lingered(), 1u);
    EXPECT_EQ(batches_lingered_, (std::vector<bool>{false, true})) << "the observer is told which batch lingered";
}

// A linger ends after `linger`, and the batch it took sets the next batch's size: a falling load costs one linger.
TEST_F(ClickWriterTest, ALingerEndsInTimeAndTheSmallerBatchSetsTheNextSize) {
    gate_.Open();
    ClickWriter writer(*store_, {.linger = 30ms}, {}, SizeObserver());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(Submit(writer));
    writer.Start();
    ASSERT_TRUE(AwaitDone(3));
    const auto submitted = std::chrono::steady_clock::now();
    ASSERT_TRUE(Submit(writer));
    ASSERT_TRUE(AwaitDone(4));
    EXPECT_GE(std::chrono::steady_clock::now() - submitted, 30ms) << "written before its linger ended";
    EXPECT_EQ(writer.batches_lingered(), 1u);
    ASSERT_TRUE(Submit(writer));
    ASSERT_TRUE(AwaitDone(5));
    writer.Stop();
    EXPECT_EQ(batch_sizes_, (std::vector<int>{3, 1, 1}));
    EXPECT_EQ(writer.batches_lingered(), 1u) << "the batch of one set the size: the next click did not wait";
}

TEST_F(ClickWriterTest, StopEndsALingerAndWritesTheClick) {
    gate_.Open();
    ClickWriter writer(*store_, {.linger = std::chrono::seconds(60)}, {}, SizeObserver());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(Submit(writer));
    writer.Start();
    ASSERT_TRUE(AwaitDone(3));
    ASSERT_TRUE(Submit(writer));
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (writer.batches_lingered() == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(1ms);
    }
    ASSERT_EQ(writer.batches_lingered(), 1u) << "one of three: the writer lingers";
    const auto stopping = std::chrono::steady_clock::now();
    writer.Stop();
    EXPECT_LT(std::chrono::steady_clock::now() - stopping, 30s) << "Stop waited for the linger";
    EXPECT_EQ(outcomes_[submitted_.back()], "ok");
    EXPECT_TRUE(Stored(submitted_.back()));
    EXPECT_EQ(batch_sizes_, (std::vector<int>{3, 1}));
}

// A click that finds the writer idle for longer than ten lingers is written at once: the clients of the last
// batch are not all coming back.
TEST_F(ClickWriterTest, AClickAfterAnIdleSpellDoesNotLinger) {
    gate_.Open();
    ClickWriter writer(*store_, {.linger = 10ms}, {}, SizeObserver());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(Submit(writer));
    writer.Start();
    ASSERT_TRUE(AwaitDone(3));
    std::this_thread::sleep_for(150ms);  // more than 10 lingers
    ASSERT_TRUE(Submit(writer));
    ASSERT_TRUE(AwaitDone(4));
    writer.Stop();
    EXPECT_EQ(batch_sizes_, (std::vector<int>{3, 1}));
    EXPECT_EQ(writer.batches_lingered(), 0u);
}

// When the chore has work left, it runs right after the next batch, which therefore does not wait for more.
TEST_F(ClickWriterTest, ABatchDoesNotLingerWhileTheChoreIsDue) {
    gate_.Open();
    std::atomic<int> runs{0};
    std::atomic<bool> busy{true};
    ClickWriter writer(*store_, {.chore_every = 10ms, .linger = std::chrono::seconds(60)}, {}, SizeObserver(), [&] {
        ++runs;
        return busy.load();  // leaves work until told: due all along
    });
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(Submit(writer));
    writer.Start();
    ASSERT_TRUE(AwaitDone(3));
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (runs < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    ASSERT_TRUE(Submit(writer));
    const bool written = AwaitDone(4);  // within AwaitDone's 10 s, not the 60 s linger
    busy = false;
    writer.Stop();
    ASSERT_TRUE(written);
    EXPECT_EQ(writer.batches_lingered(), 0u);
    EXPECT_GT(runs.load(), 0);
}

// A linger ends when the chore falls due: the batch is written, then the chore runs.
TEST_F(ClickWriterTest, ALingerEndsWhenTheChoreFallsDue) {
    gate_.Open();
    std::atomic<int> runs{0};
    ClickWriter writer(*store_, {.chore_every = 200ms, .linger = std::chrono::seconds(60)}, {}, SizeObserver(), [&] {
        ++runs;
        return false;
    });
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(Submit(writer));
    writer.Start();
    ASSERT_TRUE(AwaitDone(3));
    ASSERT_TRUE(Submit(writer));  // one of three, before the chore is due (200 ms after the start)
    ASSERT_TRUE(AwaitDone(4));    // within AwaitDone's 10 s, not the 60 s linger
    writer.Stop();
    EXPECT_EQ(batch_sizes_, (std::vector<int>{3, 1}));
    EXPECT_GE(runs.load(), 1);
}

TEST_F(ClickWriterTest, StopWithoutStartDrainsOnTheCaller) {
    gate_.Open();
    ClickWriter writer(*store_);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(Submit(writer));
    writer.Stop();
    writer.Stop();  // idempotent
    EXPECT_EQ(outcomes_.size(), 3u);
    for (const auto& id : submitted_) EXPECT_TRUE(Stored(id));
}

}  // namespace
}  // namespace rt::app
