#include "app/group_commit.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/store_test_support.hpp"
#include "ports/fakes.hpp"
#include "support/temp_dir.hpp"

namespace rt::app {
namespace {

using namespace std::chrono_literals;

// A store wrapper that counts write transactions, can hold the first one before it commits until
// released, and can fail every write instead of committing.
class HoldingStore final : public ports::Store {
  public:
    explicit HoldingStore(ports::Store& inner) : inner_(inner) {}

    void HoldFirstWrite() { HoldWrite(1); }
    // Holds the n-th write transaction (counting from the first ever) until the next Release.
    void HoldWrite(int n) {
        std::lock_guard lock(mu_);
        hold_at_ = n;
        held_ = released_ = false;
    }
    void FailWrites() { fail_writes_ = true; }
    // Waits until the held transaction arrived; false after 10 s.
    bool AwaitHeld() {
        std::unique_lock lock(mu_);
        return cv_.wait_for(lock, 10s, [&] { return held_; });
    }
    void Release() {
        std::lock_guard lock(mu_);
        released_ = true;
        cv_.notify_all();
    }
    int write_transactions() const { return writes_.load(); }

    core::Result<void> Transact(ports::TxMode mode,
                                const std::function<core::Result<void>(ports::StoreTx&)>& body) override {
        if (mode == ports::TxMode::kRead) return inner_.Transact(mode, body);
        const bool held = ++writes_ == hold_at_;
        return inner_.Transact(mode, [&](ports::StoreTx& tx) -> core::Result<void> {
            if (auto ok = body(tx); !ok) return ok;
            if (held) {
                std::unique_lock lock(mu_);
                held_ = true;
                cv_.notify_all();
                cv_.wait(lock, [&] { return released_; });
            }
            if (fail_writes_) return core::Fail(core::Error::Unavailable("disk full"));
            return {};
        });
    }
    core::Result<int> Migrate() override { return inner_.Migrate(); }
    core::Result<int> SchemaVersion() override { return inner_.SchemaVersion(); }
    int LatestSchemaVersion() const override { return inner_.LatestSchemaVersion(); }
    core::Result<void> Ping() override { return inner_.Ping(); }
    std::string_view Backend() const override { return "holding"; }

  private:
    ports::Store& inner_;
    std::atomic<int> writes_{0};
    std::atomic<int> hold_at_{0};
    bool fail_writes_ = false;
    std::mutex mu_;
    std::condition_variable cv_;
    bool held_ = false;
    bool released_ = false;
};

// On the memory store, whose RunUnguarded is its Savepoint, and on SQLite, where a body that fails after writing
// makes the batch run again with savepoints.
class GroupCommitTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        inner_ = OpenMigratedStore(GetParam(), dir_, "group.db");
        ASSERT_TRUE(inner_);
        holding_ = std::make_unique<HoldingStore>(*inner_);
    }

    core::Program NewProgram() {
        now_.unix_ms += 1;
        core::Program p;
        p.id = core::ProgramId::Generate(now_, random_);
        p.name = "Program " + std::to_string(now_.unix_ms);
        p.currency = core::Currency::FromTrusted("EUR");
        p.created_at = p.updated_at = now_;
        return p;
    }

    bool Exists(const core::Program& p) {
        return ports::Transact<core::Program>(*inner_, ports::TxMode::kRead,
                                              [&](ports::StoreTx& tx) { return tx.GetProgram(p.id); })
            .has_value();
    }

    // Waits until `n` requests are queued behind the held transaction; false after 10 s.
    static bool AwaitQueued(const GroupCommit& writes, std::size_t n) {
        for (int i = 0; i < 10'000 && writes.queue_depth() < n; ++i) std::this_thread::sleep_for(1ms);
        return writes.queue_depth() >= n;
    }

    // Starts a request on a thread of its own, whose write the store holds until store().Release(); returns
    // that thread (join it after the release) once the write is held, so requests made now queue behind it.
    std::thread HoldAWrite(GroupCommit& writes) {
        store().HoldFirstWrite();
        std::thread holder([&writes, p = NewProgram()] {
            EXPECT_TRUE(writes.Run([&](ports::StoreTx& tx) { return tx.InsertProgram(p); }));
        });
        EXPECT_TRUE(store().AwaitHeld());
        return holder;
    }

    testing::TempDir dir_;
    std::unique_ptr<ports::Store> inner_;
    std::unique_ptr<HoldingStore> holding_;
    HoldingStore& store() { return *holding_; }
    core::TimePoint now_{1'795'000'000'000};
    ports::SeededRandom random_;
};

TEST_P(GroupCommitTest, ALoneRequestCommitsAtOnce) {
    GroupCommit writes(store());
    const auto program = NewProgram();
    auto done = writes.Run([&](ports::StoreTx& tx) { return tx.InsertProgram(program); });
    ASSERT_TRUE(done) << done.error().message();
    EXPECT_TRUE(Exists(program));
    EXPECT_EQ(store().write_transactions(), 1);
    EXPECT_EQ(writes.batches_committed(), 1u);
}

TEST_P(GroupCommitTest, RequestsQueuedMeanwhileShareOneTransactionAndAFailedOneRollsBackAlone) {
    GroupCommit writes(store());
    store().HoldFirstWrite();
    const auto first = NewProgram();
    std::thread holder([&] { EXPECT_TRUE(writes.Run([&](ports::StoreTx& tx) { return tx.InsertProgram(first); })); });
    ASSERT_TRUE(store().AwaitHeld());

    constexpr int kRequests = 8;
    std::vector<core::Program> programs;
    for (int i = 0; i < kRequests; ++i) programs.push_back(NewProgram());
    std::vector<core::Result<void>> results(kRequests);
    std::vector<std::thread> threads;
    for (int i = 0; i < kRequests; ++i) {
        threads.emplace_back([&, i] {
            results[i] = writes.Run([&](ports::StoreTx& tx) -> core::Result<void> {
                if (auto ok = tx.InsertProgram(programs[i]); !ok) return ok;
                if (i == 3) return core::Fail(core::Error::Invalid("amount", "refused after its write"));
                return {};
            });
        });
    }
    ASSERT_TRUE(AwaitQueued(writes, kRequests));
    store().Release();
    holder.join();
    for (auto& t : threads) t.join();

    // The held one, then all eight together; on SQLite the request that failed after writing made the batch
    // roll back and run again, each request in a savepoint.
    const int redone = GetParam() == "sqlite" ? 1 : 0;
    EXPECT_EQ(writes.batches_redone(), static_cast<std::uint64_t>(redone));
    EXPECT_EQ(store().write_transactions(), 2 + redone);
    for (int i = 0; i < kRequests; ++i) {
        if (i == 3) {
            ASSERT_FALSE(results[i]);
            EXPECT_EQ(results[i].error().code(), core::ErrorCode::kInvalid);
            EXPECT_FALSE(Exists(programs[i]));
        } else {
            EXPECT_TRUE(results[i]) << i;
            EXPECT_TRUE(Exists(programs[i])) << i;
        }
    }
    EXPECT_EQ(writes.requests_committed(), 1u + kRequests - 1);
}

// Bare first; when a request fails after writing, the whole batch again, each request in its own savepoint: the
// requests before it and the one that failed run twice, those after it once, and only the failed one's writes
// are gone.
TEST_P(GroupCommitTest, ARequestThatFailsAfterWritingMakesTheBatchRunAgainWithSavepoints) {
    GroupCommit writes(store());
    std::thread holder = HoldAWrite(writes);
    const std::vector<core::Program> programs{NewProgram(), NewProgram(), NewProgram()};
    std::vector<std::atomic<int>> runs(programs.size());
    std::vector<core::Result<void>> results(programs.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < programs.size(); ++i) {
        threads.emplace_back([&, i] {
            results[i] = writes.Run([&, i](ports::StoreTx& tx) -> core::Result<void> {
                ++runs[i];
                if (auto ok = tx.InsertProgram(programs[i]); !ok) return ok;
                if (i == 1) return core::Fail(core::Error::Invalid("amount", "refused after its write"));
                return {};
            });
        });
        ASSERT_TRUE(AwaitQueued(writes, i + 1));  // in this order
    }
    store().Release();
    holder.join();
    for (auto& t : threads) t.join();

    EXPECT_TRUE(results[0]);
    ASSERT_FALSE(results[1]);
    EXPECT_EQ(results[1].error().code(), core::ErrorCode::kInvalid);
    EXPECT_TRUE(results[2]);
    EXPECT_TRUE(Exists(programs[0]));
    EXPECT_FALSE(Exists(programs[1]));
    EXPECT_TRUE(Exists(programs[2]));
    if (GetParam() == "sqlite") {
        EXPECT_EQ(writes.batches_redone(), 1u);
        EXPECT_EQ(runs[0].load(), 2);
        EXPECT_EQ(runs[1].load(), 2);
        EXPECT_EQ(runs[2].load(), 1);
    } else {
        EXPECT_EQ(writes.batches_redone(), 0u);
        for (const auto& n : runs) EXPECT_EQ(n.load(), 1);
    }
    EXPECT_EQ(writes.requests_committed(), 1u + 2u);
}

TEST_P(GroupCommitTest, ALaterRequestOfTheBatchSeesAnEarlierOnesWrites) {
    GroupCommit writes(store());
    std::thread holder = HoldAWrite(writes);
    const auto program = NewProgram();
    // The same insert twice in one batch: exactly one wins, the other sees its row and fails alone.
    std::vector<core::Result<void>> results(2);
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
        threads.emplace_back(
            [&, i] { results[i] = writes.Run([&](ports::StoreTx& tx) { return tx.InsertProgram(program); }); });
        ASSERT_TRUE(AwaitQueued(writes, i + 1));
    }
    store().Release();
    holder.join();
    for (auto& t : threads) t.join();
    EXPECT_EQ(store().write_transactions(), 2);
    EXPECT_EQ(writes.batches_redone(), 0u) << "the refused insert wrote nothing: the batch ran once";
    EXPECT_TRUE(results[0]);
    ASSERT_FALSE(results[1]);
    EXPECT_EQ(results[1].error().code(), core::ErrorCode::kConflict);
    EXPECT_TRUE(Exists(program));
}

TEST_P(GroupCommitTest, AFailedCommitFailsEveryRequestThatHadSucceededAndKeepsNothing) {
    GroupCommit writes(store());
    store().FailWrites();
    const auto program = NewProgram();
    auto done = writes.Run([&](ports::StoreTx& tx) { return tx.InsertProgram(program); });
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().code(), core::ErrorCode::kUnavailable);
    EXPECT_FALSE(Exists(program));
    auto refused = writes.Run(
        [&](ports::StoreTx&) -> core::Result<void> { return core::Fail(core::Error::Conflict("its own error wins")); });
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), core::ErrorCode::kConflict);
    EXPECT_EQ(writes.batches_committed(), 0u);
}

// A submitted request's outcome, delivered through its callback.
struct Outcome {
    std::promise<core::Result<void>> promise;
    std::future<core::Result<void>> future = promise.get_future();
    GroupCommit::Done Callback() {
        return [this](core::Result<void> r) { promise.set_value(std::move(r)); };
    }
};

TEST_P(GroupCommitTest, ASubmittedRequestIsAnsweredThroughItsCallbackAfterItsCommit) {
    GroupCommit writes(store());
    const auto program = NewProgram();
    Outcome outcome;
    bool existed_at_answer = false;
    ASSERT_TRUE(writes.Submit([&](ports::StoreTx& tx) { return tx.InsertProgram(program); },
                              [&](core::Result<void> r) {
                                  existed_at_answer = Exists(program);  // committed before the answer
                                  outcome.promise.set_value(std::move(r));
                              }));
    ASSERT_EQ(outcome.future.wait_for(10s), std::future_status::ready);
    auto done = outcome.future.get();
    ASSERT_TRUE(done) << done.error().message();
    EXPECT_TRUE(existed_at_answer);
    EXPECT_EQ(writes.batches_committed(), 1u);
}

TEST_P(GroupCommitTest, SubmittedAndWaitingRequestsShareABatchEachWithItsOwnOutcome) {
    GroupCommit writes(store());
    std::thread holder = HoldAWrite(writes);
    const auto submitted = NewProgram();
    const auto refused = NewProgram();
    const auto waited = NewProgram();
    Outcome first, second;
    ASSERT_TRUE(writes.Submit([&](ports::StoreTx& tx) { return tx.InsertProgram(submitted); }, first.Callback()));
    ASSERT_TRUE(writes.Submit(
        [&](ports::StoreTx& tx) -> core::Result<void> {
            if (auto ok = tx.InsertProgram(refused); !ok) return ok;
            return core::Fail(core::Error::Invalid("amount", "refused after its write"));
        },
        second.Callback()));
    core::Result<void> run_result;
    std::thread runner([&] { run_result = writes.Run([&](ports::StoreTx& tx) { return tx.InsertProgram(waited); }); });
    ASSERT_TRUE(AwaitQueued(writes, 3));
    store().Release();
    holder.join();
    runner.join();
    ASSERT_EQ(first.future.wait_for(10s), std::future_status::ready);
    ASSERT_EQ(second.future.wait_for(10s), std::future_status::ready);

    const int redone = GetParam() == "sqlite" ? 1 : 0;    // the refused request failed after its write
    EXPECT_EQ(store().write_transactions(), 2 + redone);  // the held one, then the three together
    EXPECT_TRUE(first.future.get());
    auto second_result = second.future.get();
    ASSERT_FALSE(second_result);
    EXPECT_EQ(second_result.error().code(), core::ErrorCode::kInvalid);
    EXPECT_TRUE(run_result);
    EXPECT_TRUE(Exists(submitted));
    EXPECT_FALSE(Exists(refused));
    EXPECT_TRUE(Exists(waited));
}

TEST_P(GroupCommitTest, AFailedCommitFailsASubmittedRequest) {
    GroupCommit writes(store());
    store().FailWrites();
    const auto program = NewProgram();
    Outcome outcome;
    ASSERT_TRUE(writes.Submit([&](ports::StoreTx& tx) { return tx.InsertProgram(program); }, outcome.Callback()));
    ASSERT_EQ(outcome.future.wait_for(10s), std::future_status::ready);
    auto done = outcome.future.get();
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().code(), core::ErrorCode::kUnavailable);
    EXPECT_FALSE(Exists(program));
}

TEST_P(GroupCommitTest, AFullQueueRefusesASubmissionAndNeverCallsIt) {
    GroupCommit writes(store(), {.max_queue = 1});
    std::thread holder = HoldAWrite(writes);
    const auto queued = NewProgram();
    Outcome outcome;
    ASSERT_TRUE(writes.Submit([&](ports::StoreTx& tx) { return tx.InsertProgram(queued); }, outcome.Callback()));
    std::atomic<int> calls{0};
    auto refused = writes.Submit(
        [&](ports::StoreTx&) -> core::Result<void> {
            ++calls;
            return {};
        },
        [&](core::Result<void>) { ++calls; });
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), core::ErrorCode::kUnavailable);
    EXPECT_EQ(writes.requests_refused(), 1u);
    store().Release();
    holder.join();
    ASSERT_EQ(outcome.future.wait_for(10s), std::future_status::ready);
    EXPECT_TRUE(outcome.future.get());
    EXPECT_EQ(calls.load(), 0);
}

TEST_P(GroupCommitTest, DestroyingItWritesAndAnswersEverySubmittedRequestFirst) {
    auto writes = std::make_unique<GroupCommit>(store(), GroupCommitOptions{.max_batch = 2});
    store().HoldFirstWrite();
    constexpr int kRequests = 7;
    std::vector<core::Program> programs;
    for (int i = 0; i < kRequests; ++i) programs.push_back(NewProgram());
    std::atomic<int> answered{0};
    for (int i = 0; i < kRequests; ++i) {
        ASSERT_TRUE(writes->Submit([&, i](ports::StoreTx& tx) { return tx.InsertProgram(programs[i]); },
                                   [&](core::Result<void> r) { answered += r ? 1 : 0; }));
        if (i == 0) {
            ASSERT_TRUE(store().AwaitHeld());
        }
    }
    store().Release();
    writes.reset();  // with three batches of two still queued
    EXPECT_EQ(answered.load(), kRequests);
    for (const auto& p : programs) EXPECT_TRUE(Exists(p));
}

TEST_P(GroupCommitTest, StopAnswersWhatIsQueuedAndRefusesLaterSubmissions) {
    GroupCommit writes(store());
    store().HoldFirstWrite();
    const auto first = NewProgram();
    const auto queued = NewProgram();
    Outcome one, two;
    ASSERT_TRUE(writes.Submit([&](ports::StoreTx& tx) { return tx.InsertProgram(first); }, one.Callback()));
    ASSERT_TRUE(store().AwaitHeld());
    ASSERT_TRUE(writes.Submit([&](ports::StoreTx& tx) { return tx.InsertProgram(queued); }, two.Callback()));
    store().Release();
    writes.Stop();
    // Both answered by the time Stop returned.
    ASSERT_EQ(one.future.wait_for(0s), std::future_status::ready);
    ASSERT_EQ(two.future.wait_for(0s), std::future_status::ready);
    EXPECT_TRUE(one.future.get());
    EXPECT_TRUE(two.future.get());
    EXPECT_TRUE(Exists(queued));

    const auto late = NewProgram();
    auto refused = writes.Submit([&](ports::StoreTx& tx) { return tx.InsertProgram(late); },
                                 [](core::Result<void>) { ADD_FAILURE() << "a refused request is never answered"; });
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), core::ErrorCode::kUnavailable);
    EXPECT_FALSE(Exists(late));
    EXPECT_TRUE(writes.Run([&](ports::StoreTx& tx) { return tx.InsertProgram(late); }));  // Run still writes
}

using Outcomes = std::vector<std::unique_ptr<Outcome>>;

// Submits the insertion of `program`, its outcome added to `outcomes`; false when refused.
bool SubmitInsert(GroupCommit& writes, const core::Program& program, Outcomes& outcomes) {
    outcomes.push_back(std::make_unique<Outcome>());
    return writes
        .Submit([&program](ports::StoreTx& tx) { return tx.InsertProgram(program); }, outcomes.back()->Callback())
        .has_value();
}

// Submits three requests behind a held write and waits for their answers: the writer thread's last batch held
// three. Returns false when they were not all answered (the holder is joined either way).
bool CommitABatchOfThree(GroupCommit& writes, std::thread holder, HoldingStore& store, Outcomes& outcomes,
                         const std::vector<core::Program>& programs) {
    bool queued = true;
    for (std::size_t i = 0; i < 3 && queued; ++i) queued = SubmitInsert(writes, programs[i], outcomes);
    store.Release();
    holder.join();
    if (!queued) return false;
    for (auto& o : outcomes) {
        if (o->future.wait_for(10s) != std::future_status::ready) return false;
    }
    return true;
}

// Fewer submitted requests than the batch before held: the writer thread waits for as many, then writes them
// in one transaction.
TEST_P(GroupCommitTest, SubmittedRequestsLingerUntilTheyAreAsManyAsTheBatchBefore) {
    std::vector<core::Program> programs;
    for (int i = 0; i < 6; ++i) programs.push_back(NewProgram());
    Outcomes outcomes;
    // Far longer than the waits below: the third request must end the linger, not its time.
    GroupCommit writes(store(), {.linger = std::chrono::seconds(60)});
    ASSERT_TRUE(CommitABatchOfThree(writes, HoldAWrite(writes), store(), outcomes, programs));
    ASSERT_EQ(writes.batches_committed(), 2u);  // the held write, then the three

    for (std::size_t i = 3; i < 5; ++i) {
        ASSERT_TRUE(SubmitInsert(writes, programs[i], outcomes));
    }
    EXPECT_EQ(outcomes[3]->future.wait_for(50ms), std::future_status::timeout) << "two of three: it waits";
    ASSERT_TRUE(SubmitInsert(writes, programs[5], outcomes));
    for (auto& o : outcomes) ASSERT_EQ(o->future.wait_for(10s), std::future_status::ready);
    EXPECT_EQ(writes.batches_committed(), 3u) << "the three written together";
    EXPECT_EQ(writes.requests_committed(), 7u);
    EXPECT_EQ(writes.batches_lingered(), 1u);
    for (const auto& p : programs) EXPECT_TRUE(Exists(p));
}

TEST_P(GroupCommitTest, ALingerEndsInTime) {
    std::vector<core::Program> programs;
    for (int i = 0; i < 4; ++i) programs.push_back(NewProgram());
    Outcomes outcomes;
    GroupCommit writes(store(), {.linger = 30ms});
    ASSERT_TRUE(CommitABatchOfThree(writes, HoldAWrite(writes), store(), outcomes, programs));

    const auto submitted = std::chrono::steady_clock::now();
    ASSERT_TRUE(SubmitInsert(writes, programs[3], outcomes));
    ASSERT_EQ(outcomes.back()->future.wait_for(10s), std::future_status::ready);
    EXPECT_GE(std::chrono::steady_clock::now() - submitted, 30ms) << "written before its linger ended";
    EXPECT_TRUE(outcomes.back()->future.get());
    EXPECT_EQ(writes.batches_committed(), 3u);
    EXPECT_EQ(writes.batches_lingered(), 1u);
}

TEST_P(GroupCommitTest, StopEndsALingerAndAnswersTheRequest) {
    std::vector<core::Program> programs;
    for (int i = 0; i < 4; ++i) programs.push_back(NewProgram());
    Outcomes outcomes;
    GroupCommit writes(store(), {.linger = std::chrono::seconds(60)});
    ASSERT_TRUE(CommitABatchOfThree(writes, HoldAWrite(writes), store(), outcomes, programs));

    ASSERT_TRUE(SubmitInsert(writes, programs[3], outcomes));
    EXPECT_EQ(outcomes.back()->future.wait_for(20ms), std::future_status::timeout) << "one of three: it waits";
    const auto stopping = std::chrono::steady_clock::now();
    writes.Stop();
    EXPECT_LT(std::chrono::steady_clock::now() - stopping, 30s) << "Stop waited for the linger";
    ASSERT_EQ(outcomes.back()->future.wait_for(0s), std::future_status::ready);
    EXPECT_TRUE(outcomes.back()->future.get());
    EXPECT_TRUE(Exists(programs[3]));
}

// A Run caller blocks a worker: it never waits in a linger, whether it comes during one (it writes the queue at
// once) or is queued behind a submitted request when a batch ends.
TEST_P(GroupCommitTest, ARunCallerNeverLingers) {
    std::vector<core::Program> programs;
    for (int i = 0; i < 9; ++i) programs.push_back(NewProgram());
    Outcomes outcomes;
    GroupCommit writes(store(), {.linger = std::chrono::seconds(60)});
    ASSERT_TRUE(CommitABatchOfThree(writes, HoldAWrite(writes), store(), outcomes, programs));

    // During a linger: one submitted request of three, then a Run.
    ASSERT_TRUE(SubmitInsert(writes, programs[3], outcomes));
    for (int i = 0; i < 10'000 && writes.batches_lingered() == 0; ++i) std::this_thread::sleep_for(1ms);
    ASSERT_EQ(writes.batches_lingered(), 1u);
    auto during = std::async(std::launch::async, [&] {
        return writes.Run([&](ports::StoreTx& tx) { return tx.InsertProgram(programs[4]); });
    });
    ASSERT_EQ(during.wait_for(10s), std::future_status::ready) << "the Run waited for the linger";
    EXPECT_TRUE(during.get());
    ASSERT_EQ(outcomes.back()->future.wait_for(10s), std::future_status::ready);  // written with it
    EXPECT_EQ(writes.batches_committed(), 3u);

    // Behind a submitted request: a held batch of three (the thread still lingers for three: the Run took its
    // queue), then a submitted request and a Run queued behind it; when the held batch ends, the thread is woken
    // for them, two of three.
    store().HoldWrite(4);
    for (std::size_t i = 5; i < 8; ++i) {
        ASSERT_TRUE(SubmitInsert(writes, programs[i], outcomes));
    }
    ASSERT_TRUE(store().AwaitHeld());  // the fourth write: those three
    const auto lingered = writes.batches_lingered();
    ASSERT_TRUE(SubmitInsert(writes, programs[8], outcomes));
    const auto extra = NewProgram();
    auto behind = std::async(std::launch::async,
                             [&] { return writes.Run([&](ports::StoreTx& tx) { return tx.InsertProgram(extra); }); });
    ASSERT_TRUE(AwaitQueued(writes, 2));
    store().Release();
    ASSERT_EQ(behind.wait_for(10s), std::future_status::ready) << "the Run waited for a linger";
    EXPECT_TRUE(behind.get());
    for (auto& o : outcomes) ASSERT_EQ(o->future.wait_for(10s), std::future_status::ready);
    EXPECT_EQ(writes.batches_lingered(), lingered) << "no linger with a Run caller queued";
    EXPECT_TRUE(Exists(extra));
    EXPECT_TRUE(Exists(programs[8]));
}

INSTANTIATE_TEST_SUITE_P(Stores, GroupCommitTest, ::testing::Values("memory", "sqlite"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace rt::app
