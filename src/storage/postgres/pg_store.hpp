#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ports/store.hpp"
#include "storage/postgres/pg_connection.hpp"

namespace rt::storage::postgres {

// The Store on a PostgreSQL server (libpq), for several reftrack nodes on one database. A small pool of
// connections, opened as needed up to `max_connections`, each caching its prepared statements. Write
// transactions run at READ COMMITTED and take each program they touch with an advisory lock (SqlTx::Own), so
// that writers at several nodes append one event chain per program and find each other's duplicates; read
// transactions run at REPEATABLE READ, READ ONLY: one snapshot each. A commit returns once the server has
// flushed it (synchronous_commit on, the server's default). A connection that the server dropped (a restart,
// a failover) is discarded and replaced; a transaction that could not begin on it is retried on a new one.
// Thread safety: every method may be called from several threads; calls block on I/O and on the pool.
class PgStore final : public ports::Store {
  public:
    // Connects once to check the URL; kUnavailable with a one-line message (the password redacted) on failure.
    static Result<std::unique_ptr<PgStore>> Open(const std::string& url, int max_connections);

    Result<void> Transact(ports::TxMode mode, const std::function<Result<void>(ports::StoreTx&)>& body) override;
    Result<int> Migrate() override;
    Result<int> SchemaVersion() override;
    int LatestSchemaVersion() const override;
    Result<void> Ping() override;
    std::string_view Backend() const override { return "postgresql"; }
    bool SharedByNodes() const override { return true; }
    // LISTEN on a connection of its own (outside the pool); reconnects every second while the server is away,
    // reporting kResync after each (re)connection.
    void FollowChanges(std::stop_token stop, const std::function<bool(const ports::StoreChange&)>& fn) override;

  private:
    // A connection on loan; returned to the pool on destruction (or dropped when it broke).
    class Lease {
      public:
        Lease(PgStore& store, std::unique_ptr<PgConnection> conn) : store_(&store), conn_(std::move(conn)) {}
        ~Lease() {
            if (store_ != nullptr) store_->Return(std::move(conn_));
        }
        Lease(Lease&& other) noexcept : store_(std::exchange(other.store_, nullptr)), conn_(std::move(other.conn_)) {}
        Lease& operator=(Lease&&) = delete;
        PgConnection& operator*() const { return *conn_; }
        PgConnection* operator->() const { return conn_.get(); }

      private:
        PgStore* store_;
        std::unique_ptr<PgConnection> conn_;
    };

    PgStore(std::string url, int max_connections, std::unique_ptr<PgConnection> first);

    Result<Lease> Acquire();
    void Return(std::unique_ptr<PgConnection> conn);

    const std::string url_;
    const int max_connections_;
    std::mutex mu_;
    std::condition_variable freed_;
    std::vector<std::unique_ptr<PgConnection>> idle_;  // guarded by mu_
    int open_ = 0;                                     // connections idle or on loan; guarded by mu_
};

}  // namespace rt::storage::postgres
