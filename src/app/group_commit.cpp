#include "app/group_commit.hpp"

#include <algorithm>
#include <utility>

namespace rt::app {

core::Result<void> GroupCommit::Run(const Body& body) {
    Pending pending{&body, {}};
    std::unique_lock lock(mu_);
    if (queue_.size() >= options_.max_queue) {
        return core::Fail(core::Error::Unavailable("too many writes are waiting for the database"));
    }
    queue_.push_back(&pending);
    std::vector<Pending*> batch;
    while (!pending.done) {
        if (writing_) {
            pending.wake.wait(lock);  // for our answer, or to write the next batch
            continue;
        }
        writing_ = true;
        const std::size_t take = std::min(queue_.size(), std::max<std::size_t>(options_.max_batch, 1));
        batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
        lock.unlock();
        WriteBatch(batch);
        lock.lock();
        for (auto* p : batch) {
            p->done = true;
            if (p != &pending) p->wake.notify_one();
        }
        writing_ = false;
        if (!queue_.empty()) queue_.front()->wake.notify_one();  // the next batch's writer
    }
    return std::move(pending.result);
}

std::size_t GroupCommit::queue_depth() const {
    std::lock_guard lock(mu_);
    return queue_.size();
}

void GroupCommit::WriteBatch(const std::vector<Pending*>& batch) {
    std::vector<core::Result<void>> results(batch.size());
    bool ran = false;
    const auto committed = store_.Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<void> {
        ran = true;
        for (std::size_t i = 0; i < batch.size(); ++i) results[i] = tx.Savepoint(*batch[i]->body);
        return {};
    });
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
