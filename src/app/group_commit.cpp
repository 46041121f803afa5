#include "app/group_commit.hpp"

#include <algorithm>
#include <utility>

#include "core/burst.hpp"

namespace rt::app {

namespace {

core::Error QueueFull() { return core::Error::Unavailable("too many writes are waiting for the database"); }

}  // namespace

GroupCommit::~GroupCommit() { Stop(); }

void GroupCommit::Stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    thread_wake_.notify_one();
    if (thread_.joinable()) thread_.join();
}

core::Result<void> GroupCommit::Refuse() {
    requests_refused_.fetch_add(1, std::memory_order_relaxed);
    return core::Fail(QueueFull());
}

core::Result<void> GroupCommit::Run(const Body& body) {
    std::condition_variable wake;
    Pending pending{.body = &body, .wake = &wake};
    std::unique_lock lock(mu_);
    if (queue_.size() >= options_.max_queue) return Refuse();
    queue_.push_back(&pending);
    ++runs_queued_;
    while (!pending.done) {
        if (writing_) {
            wake.wait(lock);  // for our answer, or to write the next batch
            continue;
        }
        WriteNext(lock);
    }
    return std::move(pending.result);
}

core::Result<void> GroupCommit::Submit(Body body, Done done) {
    auto pending = std::make_unique<Pending>();
    pending->owned = std::move(body);
    pending->body = &pending->owned;
    pending->on_done = std::move(done);
    std::lock_guard lock(mu_);
    if (stopping_) return core::Fail(core::Error::Unavailable("the server is stopping"));
    if (queue_.size() >= options_.max_queue) return Refuse();
    if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
    queue_.push_back(pending.release());
    if (!writing_ && (lingering_for_ == 0 || queue_.size() >= lingering_for_)) thread_wake_.notify_one();
    return {};
}

void GroupCommit::Loop() {
    std::unique_lock lock(mu_);
    for (;;) {
        thread_wake_.wait(lock, [&] { return !writing_ && (!queue_.empty() || stopping_); });
        if (queue_.empty()) return;  // stopping, and everything queued is written
        // Fewer requests than the batch before: linger for as many (see the class comment), unless a Run caller
        // waits among them or the writer idled. A Run caller that became the writer meanwhile took the queue.
        if (const std::size_t want = std::min(last_batch_, std::max<std::size_t>(options_.max_batch, 1));
            queue_.size() < want && options_.linger.count() > 0 && !stopping_ && runs_queued_ == 0 &&
            std::chrono::steady_clock::now() - last_batch_done_ <= kIdleLingers * options_.linger) {
            lingering_for_ = want;
            batches_lingered_.fetch_add(1, std::memory_order_relaxed);
            thread_wake_.wait_for(lock, options_.linger,
                                  [&] { return stopping_ || writing_ || queue_.size() >= want; });
            lingering_for_ = 0;
            if (writing_ || queue_.empty()) continue;
        }
        WriteNext(lock);
    }
}

void GroupCommit::WriteNext(std::unique_lock<std::mutex>& lock) {
    writing_ = true;
    const std::size_t take = std::min(queue_.size(), std::max<std::size_t>(options_.max_batch, 1));
    last_batch_ = take;
    std::vector<Pending*> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
    for (const auto* p : batch) runs_queued_ -= p->wake != nullptr ? 1 : 0;
    lock.unlock();
    WriteBatch(batch);
    {
        core::Burst burst;  // the answers leave together, once every one is given
        for (auto*& p : batch) {
            if (p->wake != nullptr) continue;
            p->on_done(std::move(p->result));
            delete p;
            p = nullptr;
        }
    }
    lock.lock();
    last_batch_done_ = std::chrono::steady_clock::now();
    for (auto* p : batch) {
        if (p == nullptr) continue;
        p->done = true;  // its caller reads the result once it holds mu_ again
        p->wake->notify_one();
    }
    writing_ = false;
    if (!queue_.empty()) {
        // The next batch's writer: the caller first in line, or the thread for a submitted request.
        if (auto* wake = queue_.front()->wake) {
            wake->notify_one();
        } else {
            thread_wake_.notify_one();
        }
    }
    if (stopping_) thread_wake_.notify_one();
}

std::size_t GroupCommit::queue_depth() const {
    std::lock_guard lock(mu_);
    return queue_.size();
}

void GroupCommit::WriteBatch(const std::vector<Pending*>& batch) {
    std::vector<core::Result<void>> results(batch.size());
    bool ran = false;
    // First without savepoints (StoreTx::RunUnguarded): nearly every body succeeds, or fails before it writes (a
    // request naming an unknown click). Only a body that failed after writing spoils the attempt: then the
    // transaction rolls back and the batch is written again, every body in its own savepoint.
    bool spoiled = false;
    auto committed = store_.Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<void> {
        ran = true;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            results[i] = tx.RunUnguarded(*batch[i]->body, spoiled);
            if (spoiled) return core::Fail(core::Error::Internal("a request of the batch failed after writing"));
        }
        return {};
    });
    if (spoiled) {
        batches_redone_.fetch_add(1, std::memory_order_relaxed);
        ran = false;
        committed = store_.Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<void> {
            ran = true;
            for (std::size_t i = 0; i < batch.size(); ++i) results[i] = tx.Savepoint(*batch[i]->body);
            return {};
        });
    }
    std::size_t kept = 0;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        if (!committed && (!ran || results[i])) {
            results[i] = core::Fail(committed.error());  // nothing of the batch was kept
        } else if (results[i]) {
            ++kept;
        }
        batch[i]->result = std::move(results[i]);  // read by its caller only once done is set under mu_
    }
    if (committed) {
        batches_committed_.fetch_add(1, std::memory_order_relaxed);
        requests_committed_.fetch_add(kept, std::memory_order_relaxed);
    }
}

}  // namespace rt::app
