#include "storage/postgres/pg_store.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "storage/postgres/pg_migrations.hpp"
#include "storage/sql/sql_tx.hpp"

namespace rt::storage::postgres {

namespace {

constexpr std::string_view kBeginWrite = "BEGIN";
constexpr std::string_view kBeginRead = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

}  // namespace

PgStore::PgStore(std::string url, int max_connections, std::unique_ptr<PgConnection> first)
    : url_(std::move(url)), max_connections_(std::max(max_connections, 1)) {
    idle_.push_back(std::move(first));
    open_ = 1;
}

Result<std::unique_ptr<PgStore>> PgStore::Open(const std::string& url, int max_connections) {
    auto first = PgConnection::Open(url);
    if (!first) return core::Fail(first.error());
    return std::unique_ptr<PgStore>(new PgStore(url, max_connections, std::move(*first)));
}

Result<PgStore::Lease> PgStore::Acquire() {
    std::unique_lock lock(mu_);
    freed_.wait(lock, [&] { return !idle_.empty() || open_ < max_connections_; });
    if (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(conn));
    }
    ++open_;  // reserve the slot, then connect without holding the lock
    lock.unlock();
    auto conn = PgConnection::Open(url_);
    if (!conn) {
        std::lock_guard relock(mu_);
        --open_;
        freed_.notify_one();
        return core::Fail(conn.error());
    }
    return Lease(*this, std::move(*conn));
}

void PgStore::Return(std::unique_ptr<PgConnection> conn) {
    std::lock_guard lock(mu_);
    if (conn && conn->Healthy() && !conn->InTransaction()) {
        idle_.push_back(std::move(conn));
    } else {
        if (conn) spdlog::warn("event=postgres_connection_dropped");
        --open_;
    }
    freed_.notify_one();
}

Result<void> PgStore::Transact(ports::TxMode mode, const std::function<Result<void>(ports::StoreTx&)>& body) {
    const bool write = mode == ports::TxMode::kWrite;
    // Idle connections may all have died with a server restart: each failed BEGIN drops one, then a new one is
    // opened. Nothing of the body has run when BEGIN fails, so trying again is safe.
    for (int attempt = 0;; ++attempt) {
        auto lease = Acquire();
        if (!lease) return core::Fail(lease.error());
        PgConnection& conn = **lease;
        auto tx = sql::Transaction::Begin(conn, write ? kBeginWrite : kBeginRead);
        if (!tx) {
            if (!conn.Healthy() && attempt <= max_connections_) continue;
            return core::Fail(tx.error());
        }
        sql::SqlTx store_tx(conn, write);
        if (auto done = body(store_tx); !done) return done;
        if (store_tx.broken()) return core::Fail(*store_tx.broken());  // rolled back by ~Transaction
        if (auto flushed = store_tx.Flush(); !flushed) return flushed;
        return tx->Commit();
    }
}

Result<int> PgStore::Migrate() {
    auto lease = Acquire();
    if (!lease) return core::Fail(lease.error());
    return ApplyMigrations(**lease);
}

Result<int> PgStore::SchemaVersion() {
    auto lease = Acquire();
    if (!lease) return core::Fail(lease.error());
    return ReadSchemaVersion(**lease);
}

int PgStore::LatestSchemaVersion() const { return postgres::LatestSchemaVersion(); }

Result<void> PgStore::Ping() {
    for (int attempt = 0;; ++attempt) {
        auto lease = Acquire();
        if (!lease) return core::Fail(lease.error());
        auto statement = (*lease)->Prepare("SELECT 1");
        if (!statement) return core::Fail(statement.error());
        auto row = statement->Step();
        if (row) return {};
        if ((*lease)->Healthy() || attempt > max_connections_) return core::Fail(row.error());
    }
}

namespace {

// Sleeps about `ms`, returning early when `stop` is requested.
void Pause(std::stop_token stop, int ms) {
    for (int waited = 0; waited < ms && !stop.stop_requested(); waited += 50) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

// "link <id>" / "program <id>" as Announce sent it; nullopt for anything else.
std::optional<ports::StoreChange> ParseChange(std::string_view payload) {
    const auto space = payload.find(' ');
    if (space == std::string_view::npos || space + 1 == payload.size()) return std::nullopt;
    const auto table = payload.substr(0, space);
    std::string id(payload.substr(space + 1));
    if (table == "link") return ports::StoreChange{ports::StoreChange::Kind::kLink, std::move(id)};
    if (table == "program") return ports::StoreChange{ports::StoreChange::Kind::kProgram, std::move(id)};
    return std::nullopt;
}

}  // namespace

void PgStore::FollowChanges(std::stop_token stop, const std::function<bool(const ports::StoreChange&)>& fn) {
    const std::string listen = "LISTEN " + std::string(kChangesChannel);
    while (!stop.stop_requested()) {
        auto conn = PgConnection::Open(url_);
        if (!conn) {
            spdlog::warn("event=postgres_listen_failed message=\"{}\"", conn.error().message());
            Pause(stop, 1000);
            continue;
        }
        if (auto ok = (*conn)->ExecScript(listen); !ok) {
            Pause(stop, 1000);
            continue;
        }
        spdlog::info("event=postgres_listening channel={}", kChangesChannel);
        // Whatever changed before LISTEN took effect. A change not applied (false) ends this connection: the
        // next one starts with a resync.
        bool applied = fn({ports::StoreChange::Kind::kResync, {}});
        PGconn* raw = (*conn)->raw();
        while (applied && !stop.stop_requested()) {
            pollfd waiting{PQsocket(raw), POLLIN, 0};
            if (poll(&waiting, 1, 250) < 0 && errno != EINTR) break;
            if (PQconsumeInput(raw) != 1) break;  // the connection is lost
            while (PGnotify* note = PQnotifies(raw)) {
                auto change = ParseChange(note->extra != nullptr ? note->extra : "");
                PQfreemem(note);
                if (change && applied) applied = fn(*change);
            }
        }
        if (!stop.stop_requested()) {
            spdlog::warn("event=postgres_listen_lost reason={}", applied ? "connection" : "change_not_applied");
            Pause(stop, 1000);
        }
    }
}

}  // namespace rt::storage::postgres
