#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <thread>

#include "core/click.hpp"
#include "core/error.hpp"
#include "ports/store.hpp"

namespace rt::app {

struct ClickWriterOptions {
    // Most clicks written in one transaction. Default 1024: at ~100k rows/s (SQLite, synchronous=FULL)
    // a full batch takes ~10 ms plus one fsync, so a waiting request is answered within ~2 batch times
    // even at peak; larger batches add latency without saving fsyncs once the disk keeps up.
    std::size_t max_batch = 1024;
    // Most clicks waiting for the writer; Submit refuses more (the redirect answers 503). Default
    // 65536: more than half a second of peak load, ~30 MB; a longer queue only hides a stalled disk.
    std::size_t max_queue = 65536;
    // How often the chore runs when it left no work (see ClickWriter::Chore). Default 100 ms.
    std::chrono::milliseconds chore_every{100};
    // How long a batch may wait to grow as large as the one before it (see ClickWriter), the most a click
    // waits longer than it would without. Default 500 µs: a third of a redirect's median latency at 64
    // connections here; 0: a batch is whatever queued, as soon as the writer is free.
    std::chrono::microseconds linger{500};
};

// What one batch did, for metrics.
struct ClickBatchReport {
    std::size_t clicks = 0;
    bool committed = false;
    bool lingered = false;                       // the batch waited to grow (ClickWriterOptions::linger)
    std::chrono::steady_clock::duration took{};  // the transaction, commit included
};

// GROUP COMMIT for clicks. Requests Submit a click with a completion callback; one writer thread takes
// up to max_batch queued clicks at a time, writes them in ONE write transaction (one commit, one fsync)
// and then completes every callback of the batch with the result: success only after the commit is
// durable; on failure every callback of the batch gets the error. Batches form by themselves: whatever
// queued while the previous batch was committing goes into the next, and when that is fewer clicks than
// the previous batch held, the writer LINGERS for up to `linger` until as many have queued. With a steady
// number of clients in flight, their requests then commit together instead of in two batches (the
// redirects answered by one commit come back at about the same time): the commit's fixed cost (its fsync,
// the pages every commit writes, the ledger's event) is shared by twice the clicks. A falling load costs
// one linger: the batch that timed out sets the next one's size. With clicks arriving independently of
// the answers, a batch lingers more often, each time for at most `linger`. The writer does not linger
// when it idled more than kIdleLingers lingers since its last batch (a lone click after a pause never
// waits), nor when the chore is due. While it lingers, Submit wakes it only once the batch is full, so
// the I/O thread queues the clicks without a context switch for each.
// Thread safety: Submit and the accessors may be called from any thread; Start and Stop from one.
class ClickWriter {
  public:
    // Called once per click, on the writer thread, with the outcome of its batch and the click itself, which
    // the callback may move from (so that a caller needing the click afterwards does not copy it), inside a
    // core::Burst spanning the batch's callbacks. Must be quick and must not throw (it runs between batches):
    // hand the answer to another thread, e.g. an HTTP Responder.
    using Done = std::function<void(const core::Result<void>&, core::Click& click)>;
    // THE LEDGER HOOK: runs inside each batch's write transaction, after its clicks are inserted and
    // before the commit. This is where the batch's event is appended to the hash-chained ledger (for
    // instance one event per program holding the Merkle root of the batch's click ids), so that the
    // clicks and their ledger entry commit together or not at all. A failure fails the whole batch.
    using BatchHook = std::function<core::Result<void>(ports::StoreTx& tx, std::span<const core::Click> clicks)>;
    // Called on the writer thread after each batch; must be quick (metrics).
    using BatchObserver = std::function<void(const ClickBatchReport&)>;
    // THE CHORE: work that follows batches but need not hold up their answers (rolling their pending report
    // deltas up). Runs on the writer thread between batches, after the answers of the batch before went
    // out: once `chore_every` has passed since it last ran and a batch committed since, whether clicks keep
    // coming or not, and in Stop after the last batch. Meanwhile clicks queue, so each run should be short:
    // it returns true when it left work, and then runs again right after the next batch (at once when no
    // click waits; in Stop, until it returns false). Handles its own errors and returns false on one (the
    // next run, once another batch committed, retries).
    using Chore = std::function<bool()>;

    ClickWriter(ports::Store& store, ClickWriterOptions options = {}, BatchHook hook = {}, BatchObserver observer = {},
                Chore chore = {});
    ~ClickWriter();  // Stop()
    ClickWriter(const ClickWriter&) = delete;
    ClickWriter& operator=(const ClickWriter&) = delete;

    // Starts the writer thread. Clicks submitted before wait for it. Call once.
    void Start();

    // Queues `click`. Never blocks on I/O (one mutex, held for a push). On success both arguments are moved
    // from and `done` will be called exactly once, after the batch holding the click committed or failed.
    // kUnavailable when the queue holds max_queue clicks or the writer is stopping; neither argument is then
    // moved from, so the caller can still answer through `done`.
    core::Result<void> Submit(core::Click&& click, Done&& done);

    // Another writer committed work for the chore (conversions that left their report cells pending): the
    // chore becomes due as after a batch of clicks, and the writer wakes for it if it waits for clicks. Any
    // thread; quick (one mutex).
    void OweChore();

    // Refuses new clicks, writes every queued one (each callback completed), then joins the writer
    // thread. Idempotent. Without Start, the queue is drained on the calling thread.
    void Stop();

    std::size_t queue_depth() const;
    std::uint64_t batches_committed() const { return batches_committed_.load(std::memory_order_relaxed); }
    std::uint64_t clicks_committed() const { return clicks_committed_.load(std::memory_order_relaxed); }
    // Batches that lingered (whether or not they grew in time).
    std::uint64_t batches_lingered() const { return batches_lingered_.load(std::memory_order_relaxed); }

  private:
    struct Pending {
        core::Click click;
        Done done;
    };

    void Loop();
    enum class Took { kBatch, kChoreDue, kChoreOwed, kStopped };
    // Takes up to max_batch clicks into `batch`; waits at most until `chore_due` when set; kStopped when
    // stopping and nothing is left. Without `chore_due`, an OweChore also ends the wait (kChoreOwed).
    // `owed` becomes true when OweChore was called since the last take.
    Took TakeBatch(std::vector<Pending>& batch, std::optional<std::chrono::steady_clock::time_point> chore_due,
                   bool& owed);
    bool WriteBatch(std::vector<Pending>& batch);  // true when it committed
    // Whether a batch smaller than the last may linger: not when the chore is due, nor after an idle spell.
    bool MayLinger(std::optional<std::chrono::steady_clock::time_point> chore_due) const;
    static constexpr int kIdleLingers = 10;

    ports::Store& store_;
    const ClickWriterOptions options_;
    const BatchHook hook_;
    const BatchObserver observer_;
    const Chore chore_;

    mutable std::mutex mu_;
    std::condition_variable wake_;
    std::deque<Pending> queue_;   // guarded by mu_
    bool chore_owed_ = false;     // OweChore was called since the writer last looked; guarded by mu_
    bool stopping_ = false;       // guarded by mu_
    std::size_t last_batch_ = 0;  // clicks in the batch taken last; guarded by mu_
    std::chrono::steady_clock::time_point last_batch_done_{};  // the writer thread's own
    bool batch_lingered_ = false;                              // the batch taken last lingered; the writer thread's own
    std::size_t lingering_for_ = 0;  // while the writer lingers, the clicks it waits for (else 0); guarded by mu_
    std::thread thread_;
    std::atomic<std::uint64_t> batches_committed_{0};
    std::atomic<std::uint64_t> clicks_committed_{0};
    std::atomic<std::uint64_t> batches_lingered_{0};
};

}  // namespace rt::app
