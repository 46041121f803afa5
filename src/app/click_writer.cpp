#include "app/click_writer.hpp"

#include <algorithm>
#include <thread>
#include <utility>
#include <vector>

#include "core/burst.hpp"

namespace rt::app {

namespace {
constexpr int kRetries = 3;  // more writes of a batch the database refused with kUnavailable
}  // namespace

ClickWriter::ClickWriter(ports::Store& store, ClickWriterOptions options, BatchHook hook, BatchObserver observer,
                         Chore chore)
    : store_(store),
      options_(options),
      hook_(std::move(hook)),
      observer_(std::move(observer)),
      chore_(std::move(chore)) {}

ClickWriter::~ClickWriter() { Stop(); }

void ClickWriter::Start() {
    thread_ = std::thread([this] { Loop(); });
}

core::Result<void> ClickWriter::Submit(core::Click&& click, Done&& done) {
    bool wake = false;
    {
        std::lock_guard lock(mu_);
        if (stopping_) return core::Fail(core::Error::Unavailable("the click writer is stopping"));
        if (queue_.size() >= options_.max_queue) {
            return core::Fail(core::Error::Unavailable("too many clicks are waiting to be written"));
        }
        queue_.push_back({std::move(click), std::move(done)});
        wake = lingering_for_ == 0 || queue_.size() >= lingering_for_;
    }
    if (wake) wake_.notify_one();
    return {};
}

void ClickWriter::OweChore() {
    {
        std::lock_guard lock(mu_);
        if (chore_owed_) return;
        chore_owed_ = true;
    }
    wake_.notify_one();
}

void ClickWriter::Stop() {
    {
        std::lock_guard lock(mu_);
        if (stopping_) return;  // the owner's Stop, then the destructor's: the drain runs once
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) {
        thread_.join();
        return;
    }
    Loop();  // never started: drain here
}

std::size_t ClickWriter::queue_depth() const {
    std::lock_guard lock(mu_);
    return queue_.size();
}

void ClickWriter::Loop() {
    using Clock = std::chrono::steady_clock;
    std::vector<Pending> batch;
    batch.reserve(std::min<std::size_t>(options_.max_batch, 4096));
    auto chore_ran = Clock::now();
    bool chore_owed = true;        // a batch committed since the chore last ran; at the start, what a crash left
    bool chore_left_work = false;  // it runs again after the next batch, or at once when no click waits
    for (;;) {
        const auto due = chore_left_work ? Clock::time_point{} : chore_ran + options_.chore_every;
        bool owed_by_others = false;
        const Took took = TakeBatch(batch, chore_ && chore_owed ? std::optional(due) : std::nullopt, owed_by_others);
        chore_owed |= owed_by_others;
        if (took == Took::kBatch) {
            chore_owed |= WriteBatch(batch);
            batch.clear();
        }
        if (chore_ && chore_owed && (took == Took::kStopped || Clock::now() >= due)) {
            chore_left_work = chore_();
            // Stopping: until it is done (a failing chore says so and is not retried here).
            while (took == Took::kStopped && chore_left_work) chore_left_work = chore_();
            chore_ran = Clock::now();
            chore_owed = chore_left_work;
        }
        if (took == Took::kStopped) return;
    }
}

ClickWriter::Took ClickWriter::TakeBatch(std::vector<Pending>& batch,
                                         std::optional<std::chrono::steady_clock::time_point> chore_due, bool& owed) {
    std::unique_lock lock(mu_);
    const auto take_owed = [&] {
        owed = owed || chore_owed_;
        chore_owed_ = false;
    };
    if (chore_due) {
        const bool ready = wake_.wait_until(lock, *chore_due, [this] { return stopping_ || !queue_.empty(); });
        take_owed();
        if (!ready) return Took::kChoreDue;
    } else {
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty() || chore_owed_; });
        take_owed();
    }
    if (queue_.empty()) return stopping_ ? Took::kStopped : Took::kChoreOwed;  // stopping: everything written
    const std::size_t max_batch = std::max<std::size_t>(options_.max_batch, 1);
    batch_lingered_ = false;
    if (const std::size_t want = std::min(last_batch_, max_batch);
        queue_.size() < want && options_.linger.count() > 0 && !stopping_ && MayLinger(chore_due)) {
        lingering_for_ = want;
        batches_lingered_.fetch_add(1, std::memory_order_relaxed);
        batch_lingered_ = true;
        // Until the chore is due at the latest: a batch does not keep it waiting.
        auto until = std::chrono::steady_clock::now() + options_.linger;
        if (chore_due) until = std::min(until, *chore_due);
        wake_.wait_until(lock, until, [&] { return stopping_ || queue_.size() >= want; });
        lingering_for_ = 0;
    }
    const std::size_t take = std::min(queue_.size(), max_batch);
    for (std::size_t i = 0; i < take; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
    }
    last_batch_ = take;
    return Took::kBatch;
}

bool ClickWriter::MayLinger(std::optional<std::chrono::steady_clock::time_point> chore_due) const {
    const auto now = std::chrono::steady_clock::now();
    // The chore is due: it runs after this batch, which should not keep it waiting.
    if (chore_due && now >= *chore_due) return false;
    // Idle for long: the load is not what the last batch measured, and a lone click should not wait.
    return now - last_batch_done_ <= kIdleLingers * options_.linger;
}

bool ClickWriter::WriteBatch(std::vector<Pending>& batch) {
    std::vector<core::Click> clicks;
    clicks.reserve(batch.size());
    for (auto& p : batch) clicks.push_back(std::move(p.click));

    const auto started = std::chrono::steady_clock::now();
    auto write = [&] {
        return store_.Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<void> {
            if (auto ok = tx.InsertClicks(clicks); !ok) return ok;
            if (hook_) return hook_(tx, clicks);
            return {};
        });
    };
    // kUnavailable: the database asked to retry (a deadlock with another writer on PostgreSQL, which locks
    // programs in another order) or a connection dropped. Nothing of the transaction was kept, so writing the
    // batch again is safe; the redirects waiting for it are answered either way.
    auto result = write();
    for (int retry = 1; retry <= kRetries && !result && result.error().code() == core::ErrorCode::kUnavailable;
         ++retry) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20 * retry));
        result = write();
    }
    const auto took = std::chrono::steady_clock::now() - started;
    if (result) {
        batches_committed_.fetch_add(1, std::memory_order_relaxed);
        clicks_committed_.fetch_add(clicks.size(), std::memory_order_relaxed);
    }
    {
        core::Burst burst;  // the answers leave together, once every one is given
        for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(result, clicks[i]);
    }
    last_batch_done_ = std::chrono::steady_clock::now();
    if (observer_) observer_({clicks.size(), result.has_value(), batch_lingered_, took});
    return result.has_value();
}

}  // namespace rt::app
