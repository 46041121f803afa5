#include "storage/sqlite/checkpointer.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <utility>

namespace rt::storage::sqlite {

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(const std::string& path, Connection& writer, int pages) {
    auto own = Connection::Open(path, ConnectionRole::kWriter);
    if (!own) return core::Fail(own.error());
    return std::unique_ptr<Checkpointer>(new Checkpointer(std::move(*own), writer, pages));
}

Checkpointer::Checkpointer(std::unique_ptr<Connection> own, Connection& writer, int pages)
    : own_(std::move(own)), writer_(writer), pages_(pages), step_(std::max(pages / kSteps, 1)), next_wake_(step_) {
    thread_ = std::thread([this] { Loop(); });
    sqlite3_wal_hook(writer_.handle(), &Checkpointer::OnCommit, this);
}

Checkpointer::~Checkpointer() {
    sqlite3_wal_hook(writer_.handle(), nullptr, nullptr);
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

int Checkpointer::checkpoints() const {
    std::lock_guard lock(mu_);
    return checkpoints_;
}

// On the writer's thread, after each commit, with the frames the WAL now holds (fewer than before once the
// WAL started over).
int Checkpointer::OnCommit(void* self, sqlite3*, const char*, int frames) {
    auto* checkpointer = static_cast<Checkpointer*>(self);
    const int pages = checkpointer->pages_;
    if (frames < checkpointer->last_frames_) {  // the WAL started over: a new round, however early
        checkpointer->next_wake_ = checkpointer->step_;
        checkpointer->catch_up_ = false;
        std::lock_guard lock(checkpointer->mu_);
        ++checkpointer->generation_;
        checkpointer->caught_up_ = false;
    }
    checkpointer->last_frames_ = frames;
    bool caught_up = false;
    bool wake = false;
    {
        std::lock_guard lock(checkpointer->mu_);
        caught_up = checkpointer->caught_up_;
        // The round's next step; past `pages` frames, until the thread left few frames uncopied.
        if (!caught_up && frames >= checkpointer->next_wake_) {
            wake = true;
            checkpointer->due_ = true;
            checkpointer->finishing_ = frames >= pages;
        }
    }
    if (wake) {
        checkpointer->next_wake_ = frames + checkpointer->step_;
        checkpointer->wake_.notify_one();
    }
    // What the thread's checkpoints could not copy (the frames of the commits made during its last one, or past
    // the bound whatever is left) is copied before the writer's next transaction, once this one's answers are
    // on their way.
    if (frames >= pages && (caught_up || frames >= pages + pages / 2)) checkpointer->catch_up_ = true;
    return SQLITE_OK;
}

void Checkpointer::BeforeWrite() {
    if (!catch_up_) return;
    // SQLITE_BUSY while the thread still checkpoints: the next write tries again. Once every frame is copied,
    // the transaction about to begin starts the WAL over.
    const int rc = sqlite3_wal_checkpoint_v2(writer_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (rc == SQLITE_OK) {
        catch_up_ = false;
    } else if ((rc & 0xff) != SQLITE_BUSY) {  // SQLITE_BUSY or an extended BUSY code: retried
        spdlog::warn("event=sqlite_checkpoint_failed error=\"{}\"", sqlite3_errstr(rc));
    }
}

// SQLite syncs the database file only in the checkpoint that copies the WAL's last frame (the writer's, here),
// which then waits for every page the thread copied before it to reach the disk. Syncing them here leaves
// that checkpoint its own few.
void Checkpointer::SyncDatabase() {
    sqlite3_file* file = nullptr;
    if (sqlite3_file_control(own_->handle(), "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
        file == nullptr || file->pMethods == nullptr) {
        return;
    }
    const int rc = file->pMethods->xSync(file, SQLITE_SYNC_NORMAL);
    if (rc != SQLITE_OK) spdlog::warn("event=sqlite_checkpoint_sync_failed error=\"{}\"", sqlite3_errstr(rc));
}

void Checkpointer::Loop() {
    // Linux gives each thread its own nice value: this one yields to the server's I/O and writer threads
    // whenever they want the CPU, and takes what they leave. Relative to the nice it started with (the
    // process's), so that a server started under `nice` keeps the same order between its threads.
    const auto self = static_cast<id_t>(gettid());
    errno = 0;
    const int started_at = getpriority(PRIO_PROCESS, self);
    if (errno == 0 && setpriority(PRIO_PROCESS, self, std::min(started_at + kNice, 19)) != 0) {
        spdlog::warn("event=sqlite_checkpointer_nice_failed error=\"{}\"", std::system_category().message(errno));
    }
    std::uint64_t round = 0;
    int copied_before = 0;  // the frames of this round copied by the thread's earlier checkpoints
    std::unique_lock lock(mu_);
    for (;;) {
        wake_.wait(lock, [this] { return due_ || stopping_; });
        if (stopping_) return;
        due_ = false;
        const bool finishing = finishing_;
        const std::uint64_t generation = generation_;
        lock.unlock();
        if (generation != round) {
            round = generation;
            copied_before = 0;
        }
        // A step copies what the round committed since the one before. Once the WAL holds `pages` frames, the
        // thread checkpoints until one copies few frames: each copies the frames committed during the one
        // before, so they shrink, and the writer, which copies the rest, waits for little.
        bool caught_up = false;
        for (int pass = 0; pass < (finishing ? kMaxPasses : 1) && !caught_up; ++pass) {
            int wal_frames = 0;
            int copied = 0;  // SQLite's count: every frame of the WAL copied so far, by anyone
            const int rc =
                sqlite3_wal_checkpoint_v2(own_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &copied);
            if (rc != SQLITE_OK) {
                if ((rc & 0xff) != SQLITE_BUSY) {  // SQLITE_BUSY or an extended BUSY code: the writer checkpoints
                    spdlog::warn("event=sqlite_checkpoint_failed error=\"{}\" wal_frames={}", sqlite3_errstr(rc),
                                 wal_frames);
                }
                break;
            }
            {
                std::lock_guard count(mu_);
                ++checkpoints_;
            }
            // Fewer than before: the WAL started over since, and all it holds is new.
            const int fresh = copied >= copied_before ? copied - copied_before : copied;
            copied_before = copied;
            if (fresh > 0) SyncDatabase();
            caught_up = finishing && fresh <= step_;
        }
        lock.lock();
        if (caught_up && generation == generation_) caught_up_ = true;
    }
}

}  // namespace rt::storage::sqlite
