#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "storage/sqlite/sqlite_connection.hpp"

namespace rt::storage::sqlite {

// Checkpoints most of a database's WAL on a thread of its own, so that commits wait for a small part of
// each checkpoint only. SQLite's automatic checkpoint runs inside the commit that takes the WAL past its
// threshold, with the writer's lock held: every write queued behind it (the clicks of a redirect, the
// conversions of a group commit) waits for all the pages to be copied and the database file to be synced.
//
// Here the writer's commits wake this thread every `pages` / kSteps frames, and it runs a PASSIVE checkpoint on a
// connection of its own while the writer goes on committing (SQLite allows one checkpoint beside one writer
// in WAL mode), then syncs the database file (SQLite syncs it only in the checkpoint that copies the WAL's
// last frame, which would otherwise wait for every page copied before). Once the WAL holds `pages` frames the
// thread checkpoints until a pass copies at most `pages` / kSteps frames. A checkpoint cannot copy the frames
// committed while it runs, and SQLite starts the WAL over only when a write transaction begins with every
// frame copied; so the writer copies the few frames left itself, in BeforeWrite (after its last commit's
// answers are on their way), or whatever is left once the WAL holds `pages` * 3 / 2 frames. The WAL then
// starts over. (A thread alone, tried first, chased the writer: checkpoints ran back to back and cost ingest
// ~17 % of its CPU. Copying in steps rather than at once spreads the database file's writes, which
// otherwise slowed the commits' syncs beside them, and 32 steps of 500 frames rather than 8 of 2000 took ~1 ms
// off ingest's p99; docs/benchmarks.md.) The thread runs kNice nicer than the process: it copies while the server's
// threads have nothing to do, and leaves the CPU to them when they do (measured: ~4 % more conversions and clicks per
// second, lower p99s; SCHED_IDLE starved it and held the WAL back). Errors are logged, never fatal: the WAL only grows
// until a checkpoint succeeds.
class Checkpointer {
  public:
    // Takes over the checkpoints of the database `writer` is connected to (at `path`): replaces the
    // writer's automatic checkpoint by the thread's steps and BeforeWrite. The writer must outlive this
    // object and be idle while it is created and destroyed.
    static Result<std::unique_ptr<Checkpointer>> Start(const std::string& path, Connection& writer, int pages);
    // Stops the thread after the checkpoint under way, if any, and gives the writer no hook: SQLite still
    // checkpoints when the last connection closes.
    ~Checkpointer();
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

    // On the writer's thread, holding the writer, before each write transaction: copies what the thread left
    // once it is nearly done (or the WAL is past its bound), so that the WAL can start over.
    void BeforeWrite();

    // Checkpoints this thread completed (for tests).
    int checkpoints() const;

    // How much nicer than the process the thread runs (its scheduling weight against the other threads).
    static constexpr int kNice = 10;
    // The thread's checkpoints per round of `pages` frames: it is woken every `pages` / kSteps frames.
    static constexpr int kSteps = 32;

  private:
    Checkpointer(std::unique_ptr<Connection> own, Connection& writer, int pages);
    static int OnCommit(void* self, sqlite3* db, const char* schema, int frames);
    void Loop();
    void SyncDatabase();

    std::unique_ptr<Connection> own_;
    Connection& writer_;
    const int pages_;
    bool catch_up_ = false;  // the writer's thread only: BeforeWrite checkpoints
    const int step_;
    int next_wake_;        // the writer's thread only: the frames at which the thread is woken next
    int last_frames_ = 0;  // the writer's thread only: the WAL's frames at the last commit
    mutable std::mutex mu_;
    std::condition_variable wake_;
    static constexpr int kMaxPasses = 4;
    bool due_ = false;              // guarded by mu_
    bool finishing_ = false;        // guarded by mu_: woken with the WAL past `pages` frames
    std::uint64_t generation_ = 0;  // guarded by mu_: WAL generations the writer has seen end
    bool caught_up_ = false;        // guarded by mu_: the thread left few frames of this generation uncopied
    bool stopping_ = false;         // guarded by mu_
    int checkpoints_ = 0;           // guarded by mu_
    std::thread thread_;
};

}  // namespace rt::storage::sqlite
