#include "storage/sqlite/reader_pool.hpp"

namespace rt::storage::sqlite {

ReaderPool::Lease ReaderPool::Acquire() {
    std::unique_lock lock(mu_);
    freed_.wait(lock, [this] { return !idle_.empty(); });
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(conn));
}

void ReaderPool::Return(std::unique_ptr<Connection> conn) {
    {
        std::lock_guard lock(mu_);
        idle_.push_back(std::move(conn));
    }
    freed_.notify_one();
}

}  // namespace rt::storage::sqlite
