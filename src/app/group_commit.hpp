#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "ports/store.hpp"

namespace rt::app {

struct GroupCommitOptions {
    // Most requests sharing one transaction. Default 128: twice the 64 requests in flight the benchmark
    // drives; a conversion's writes take ~0.1–0.3 ms, so a full batch stays within ~10–40 ms, and larger
    // batches add latency once the commit's fsync is shared anyway.
    std::size_t max_batch = 128;
    // Most requests waiting for the writer; Run and Submit refuse more with kUnavailable (the route answers
    // 503). Default 4096: ~1 s of conversions at the rate this machine writes them, so a client sees a
    // prompt 503 rather than a minute's wait when the disk stalls or the load is far beyond it.
    std::size_t max_queue = 4096;
    // How long the writer thread lets a batch of submitted requests wait to grow as large as the batch before
    // it (see GroupCommit), the most a request waits longer than it would without. Default 1 ms: about a
    // quarter of a conversion's median latency at 64 connections here; 0: no wait.
    std::chrono::microseconds linger{1000};
};

// GROUP COMMIT for conversions: many concurrent requests share ONE write transaction and ONE commit (one
// fsync). Each batch of up to max_batch queued requests runs every request's body in one transaction, so that
// a body that fails rolls back alone while the others stay, commits once, and then gives every request its
// own outcome. Bodies run bare first (StoreTx::RunUnguarded: a savepoint per body copies every page it writes
// on SQLite); when one fails after writing, the transaction rolls back and the batch runs again with each body
// in its own savepoint (StoreTx::Savepoint). So a body may run twice: it must act only through its StoreTx and
// what it captured, and write its outcome anew each time it runs. Nothing is acknowledged before the commit: a
// body's success is reported only once the commit is durable; if the commit (or the transaction's start)
// fails, every body that had succeeded gets that error instead. Bodies of one batch run in queue order, each
// seeing the writes of those before it (so a repeat of a request in the same batch finds the first one's
// rows).
// Two ways in, one queue:
// - Run blocks its caller until the outcome is known. A caller that finds no batch being written becomes
//   the writer: it takes the queue (its own request first in line when alone, so a lone caller pays nothing
//   more than its own transaction) and writes it; callers arriving meanwhile queue and wait; when the batch is done the
//   writer wakes the next in line to write the next batch.
// - Submit does not wait (an HTTP route on its I/O thread): its request is queued with a completion
//   callback, and a writer thread of this object's own, started by the first Submit, writes batches
//   whenever no Run caller does. Whoever writes a batch calls its callbacks after the commit.
// Batches form by themselves from whatever queued during the previous one. The writer thread LINGERS when that
// is fewer requests than the previous batch held: it waits up to `linger` for as many (Submit wakes it only
// once they are there), so that a steady number of clients in flight commit together rather than split over
// two commits, each with its own fsync and its own copies of the pages every batch writes
// (docs/benchmarks.md). A falling load costs one linger: the batch that timed out sets the next one's size.
// It never lingers with a Run caller queued (which writes at once when it finds no batch being written), nor
// after it idled more than kIdleLingers lingers since the last batch (a lone request after a pause).
// Thread safety: Run and Submit may be called from any thread; a body must not call either. The object must
// outlive every Run call; Stop, or destroying it, writes what is still queued first (every callback is
// called).
class GroupCommit {
  public:
    using Body = std::function<core::Result<void>(ports::StoreTx&)>;
    // Called once with a submitted request's outcome, after its batch committed or failed, on the thread
    // that wrote the batch, inside a core::Burst spanning the batch's callbacks. Must be quick and must not
    // throw: hand the answer to another thread.
    using Done = std::function<void(core::Result<void>)>;

    explicit GroupCommit(ports::Store& store, GroupCommitOptions options = {}) : store_(store), options_(options) {}
    ~GroupCommit();
    GroupCommit(const GroupCommit&) = delete;
    GroupCommit& operator=(const GroupCommit&) = delete;

    // Runs `body` in a batch's write transaction (once or twice: see above) and blocks until that transaction
    // committed or failed. Returns body's own error when it failed (its writes undone), the transaction's error when
    // the batch did not commit, success only when body's writes are durable. kUnavailable when max_queue
    // requests wait already (body never runs).
    core::Result<void> Run(const Body& body);

    // Queues `body` as Run does, without waiting: `done` later gets what Run would have returned.
    // kUnavailable when max_queue requests wait already: neither body nor done is ever called.
    core::Result<void> Submit(Body body, Done done);

    // Writes every submitted request still queued, answers it, and ends the writer thread; a later Submit is
    // refused (kUnavailable). Idempotent; the destructor calls it.
    void Stop();

    // Requests waiting for a batch (not counting the one being written).
    std::size_t queue_depth() const;
    std::uint64_t batches_committed() const { return batches_committed_.load(std::memory_order_relaxed); }
    std::uint64_t requests_committed() const { return requests_committed_.load(std::memory_order_relaxed); }
    // Requests refused because max_queue requests were waiting.
    std::uint64_t requests_refused() const { return requests_refused_.load(std::memory_order_relaxed); }
    // Batches written twice: a body failed after writing, so the batch was rolled back and run again with a
    // savepoint per body (WriteBatch).
    std::uint64_t batches_redone() const { return batches_redone_.load(std::memory_order_relaxed); }
    // Times the writer thread lingered (whether or not the batch grew in time).
    std::uint64_t batches_lingered() const { return batches_lingered_.load(std::memory_order_relaxed); }

  private:
    struct Pending {
        const Body* body;
        core::Result<void> result;
        // Run: the caller's wake-up, and done once its result is stored (guarded by mu_).
        std::condition_variable* wake = nullptr;
        bool done = false;
        // Submit: the body it owns and its callback.
        Body owned;
        Done on_done;
    };

    // Writes the next batch. Called with mu_ held (through `lock`), no batch being written and the queue
    // not empty; returns with mu_ held and the next writer woken.
    void WriteNext(std::unique_lock<std::mutex>& lock);
    // Writes `batch` in one transaction and stores each request's result; called without mu_ held.
    void WriteBatch(const std::vector<Pending*>& batch);
    // Counts a request refused for a full queue, and says so.
    core::Result<void> Refuse();
    // The writer thread's loop, for submitted requests.
    void Loop();

    ports::Store& store_;
    const GroupCommitOptions options_;

    mutable std::mutex mu_;
    std::deque<Pending*> queue_;  // guarded by mu_; submitted ones are owned by it (deleted once done)
    bool writing_ = false;        // guarded by mu_: a batch is being written
    bool stopping_ = false;       // guarded by mu_: the destructor waits for the writer thread
    std::size_t last_batch_ = 0;  // requests in the batch written last; guarded by mu_
    std::chrono::steady_clock::time_point last_batch_done_{};  // when it was written; guarded by mu_
    std::size_t runs_queued_ = 0;                              // Run callers in queue_; guarded by mu_
    static constexpr int kIdleLingers = 10;                    // no linger after an idle spell this many lingers long
    std::size_t lingering_for_ = 0;  // while the writer thread lingers, the requests it waits for; guarded by mu_
    std::condition_variable thread_wake_;
    std::thread thread_;  // started by the first Submit
    std::atomic<std::uint64_t> batches_lingered_{0};
    std::atomic<std::uint64_t> batches_committed_{0};
    std::atomic<std::uint64_t> requests_committed_{0};
    std::atomic<std::uint64_t> requests_refused_{0};
    std::atomic<std::uint64_t> batches_redone_{0};
};

}  // namespace rt::app
