#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "storage/sqlite/sqlite_connection.hpp"

namespace rt::storage::sqlite {

// Checkpoints a database's WAL on a thread of its own, so that no commit waits for a checkpoint. SQLite's
// automatic checkpoint runs inside the commit that takes the WAL past its threshold, with the writer's
// lock held: every write queued behind it (the clicks of a redirect, the conversions of a group commit)
// waits for the pages to be copied and the database file to be synced. Here the writer's commit only
// wakes this thread when the WAL holds `pages` frames or more, and the thread runs a PASSIVE checkpoint
// on a connection of its own, while the writer goes on committing (SQLite allows one checkpoint beside
// one writer in WAL mode). A checkpoint that readers hold back copies what it can; the next commit
// wakes the thread again. Errors are logged, never fatal: the WAL then only grows until one succeeds.
class Checkpointer {
  public:
    // Takes over the checkpoints of the database `writer` is connected to (at `path`): replaces the
    // writer's automatic checkpoint by the wake-up. The writer must outlive this object and be idle
    // while it is created and destroyed.
    static Result<std::unique_ptr<Checkpointer>> Start(const std::string& path, Connection& writer, int pages);
    // Stops the thread after the checkpoint under way, if any, and gives the writer no hook: SQLite still
    // checkpoints when the last connection closes.
    ~Checkpointer();
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

    // Checkpoints completed (for tests).
    int checkpoints() const;

  private:
    Checkpointer(std::unique_ptr<Connection> own, Connection& writer, int pages);
    static int OnCommit(void* self, sqlite3* db, const char* schema, int frames);
    void Loop();

    std::unique_ptr<Connection> own_;
    Connection& writer_;
    const int pages_;
    mutable std::mutex mu_;
    std::condition_variable wake_;
    bool due_ = false;       // guarded by mu_
    bool stopping_ = false;  // guarded by mu_
    int checkpoints_ = 0;    // guarded by mu_
    std::thread thread_;
};

}  // namespace rt::storage::sqlite
