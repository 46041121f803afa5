#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/sqlite/sqlite_connection.hpp"

namespace rt::storage::sqlite {

// A fixed set of reader connections handed out one thread at a time. Thread-safe.
class ReaderPool {
  public:
    // A connection on loan; returned to the pool on destruction.
    class Lease {
      public:
        Lease(ReaderPool& pool, std::unique_ptr<Connection> conn) : pool_(&pool), conn_(std::move(conn)) {}
        ~Lease() {
            if (conn_) pool_->Return(std::move(conn_));
        }
        Lease(Lease&&) = default;
        Lease& operator=(Lease&&) = delete;

        Connection& operator*() const { return *conn_; }
        Connection* operator->() const { return conn_.get(); }

      private:
        ReaderPool* pool_;
        std::unique_ptr<Connection> conn_;
    };

    explicit ReaderPool(std::vector<std::unique_ptr<Connection>> connections) : idle_(std::move(connections)) {}

    // Blocks until a connection is free. Precondition: the pool was given at least one connection.
    Lease Acquire();

  private:
    void Return(std::unique_ptr<Connection> conn);

    std::mutex mu_;
    std::condition_variable freed_;
    std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
};

}  // namespace rt::storage::sqlite
