#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace rt::http {

// A fixed set of threads for blocking work (database, hashing), so HTTP I/O threads never block.
// Thread-safe. Destruction finishes every queued task, then joins.
class WorkerPool {
  public:
    // threads: how many tasks run at once (the database's useful concurrency); max_queue: how many
    // may wait before TrySubmit refuses (the caller answers 503 instead of queueing without bound).
    WorkerPool(std::size_t threads, std::size_t max_queue);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // False when the queue is full or the pool is stopping; the task is then not run.
    bool TrySubmit(std::function<void()> task);

  private:
    void Loop();

    std::size_t max_queue_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> queue_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace rt::http
