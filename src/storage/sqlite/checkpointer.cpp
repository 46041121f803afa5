#include "storage/sqlite/checkpointer.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace rt::storage::sqlite {

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(const std::string& path, Connection& writer, int pages) {
    auto own = Connection::Open(path, ConnectionRole::kWriter);
    if (!own) return core::Fail(own.error());
    return std::unique_ptr<Checkpointer>(new Checkpointer(std::move(*own), writer, pages));
}

Checkpointer::Checkpointer(std::unique_ptr<Connection> own, Connection& writer, int pages)
    : own_(std::move(own)), writer_(writer), pages_(pages) {
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
int Checkpointer::OnCommit(void* self, sqlite3* db, const char*, int frames) {
    auto* checkpointer = static_cast<Checkpointer*>(self);
    if (frames < checkpointer->pages_) {
        checkpointer->woken_ = false;
        return SQLITE_OK;
    }
    if (!checkpointer->woken_) {
        checkpointer->woken_ = true;
        {
            std::lock_guard lock(checkpointer->mu_);
            checkpointer->due_ = true;
        }
        checkpointer->wake_.notify_one();
        return SQLITE_OK;
    }
    if (frames >= checkpointer->pages_ + checkpointer->pages_ / 4) {
        // What the thread's checkpoint could not copy. SQLITE_BUSY while the thread still checkpoints: the
        // next commit tries again.
        const int rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY) {  // SQLITE_BUSY or an extended BUSY code: retried
            spdlog::warn("event=sqlite_checkpoint_failed error=\"{}\" wal_frames={}", sqlite3_errstr(rc), frames);
        }
    }
    return SQLITE_OK;
}

void Checkpointer::Loop() {
    std::unique_lock lock(mu_);
    for (;;) {
        wake_.wait(lock, [this] { return due_ || stopping_; });
        if (stopping_) return;
        due_ = false;
        lock.unlock();
        int wal_frames = 0;
        int copied = 0;
        const int rc =
            sqlite3_wal_checkpoint_v2(own_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &copied);
        if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY) {  // SQLITE_BUSY or an extended BUSY code: retried
            spdlog::warn("event=sqlite_checkpoint_failed error=\"{}\" wal_frames={}", sqlite3_errstr(rc), wal_frames);
        }
        lock.lock();
        if (rc == SQLITE_OK) ++checkpoints_;
    }
}

}  // namespace rt::storage::sqlite
