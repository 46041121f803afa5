#include "storage/sqlite/sqlite_store.hpp"

#include <algorithm>

#include "storage/sql/sql_tx.hpp"
#include "storage/sqlite/migrations.hpp"

namespace rt::storage::sqlite {

namespace {

// Runs `body` in a transaction begun with `begin_sql` on `conn`; commits when it succeeds.
Result<void> RunTransaction(Connection& conn, std::string_view begin_sql, bool writable,
                            const std::function<Result<void>(ports::StoreTx&)>& body) {
    auto tx = Transaction::Begin(conn, begin_sql);
    if (!tx) return core::Fail(tx.error());
    sql::SqlTx store_tx(conn, writable);
    if (auto done = body(store_tx); !done) return done;
    if (store_tx.broken()) return core::Fail(*store_tx.broken());  // rolled back by ~Transaction
    if (auto flushed = store_tx.Flush(); !flushed) return flushed;
    return tx->Commit();
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::filesystem::path& path, int read_connections,
                                                       bool bulk_load) {
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(path, ec);
    if (ec)
        return core::Fail(
            core::Error::Unavailable("cannot open the database at " + path.string() + ": " + ec.message()));
    if (absolute.has_parent_path()) {
        std::filesystem::create_directories(absolute.parent_path(), ec);
        if (ec) {
            return core::Fail(core::Error::Unavailable("cannot open the database at " + absolute.string() +
                                                       ": cannot create its directory: " + ec.message()));
        }
    }
    auto writer = Connection::Open(absolute.string(), ConnectionRole::kWriter, bulk_load);
    if (!writer) return core::Fail(writer.error());
    std::vector<std::unique_ptr<Connection>> readers;
    for (int i = 0; i < std::max(read_connections, 1); ++i) {
        auto reader = Connection::Open(absolute.string(), ConnectionRole::kReader);
        if (!reader) return core::Fail(reader.error());
        readers.push_back(std::move(*reader));
    }
    auto store = std::unique_ptr<SqliteStore>(new SqliteStore(std::move(*writer), std::move(readers)));
    if (!bulk_load) {
        auto checkpointer = Checkpointer::Start(absolute.string(), *store->writer_, Connection::kCheckpointPages);
        if (!checkpointer) return core::Fail(checkpointer.error());
        store->checkpointer_ = std::move(*checkpointer);
    }
    return store;
}

Result<void> SqliteStore::Transact(ports::TxMode mode, const std::function<Result<void>(ports::StoreTx&)>& body) {
    if (mode == ports::TxMode::kRead) {
        auto reader = readers_.Acquire();
        return RunTransaction(*reader, "BEGIN", false, body);
    }
    std::lock_guard lock(writer_mu_);
    if (checkpointer_) checkpointer_->BeforeWrite();
    return RunTransaction(*writer_, "BEGIN IMMEDIATE", true, body);
}

Result<int> SqliteStore::Migrate() {
    std::lock_guard lock(writer_mu_);
    return ApplyMigrations(*writer_);
}

Result<int> SqliteStore::SchemaVersion() {
    auto reader = readers_.Acquire();
    return ReadSchemaVersion(*reader);
}

int SqliteStore::LatestSchemaVersion() const { return sqlite::LatestSchemaVersion(); }

Result<void> SqliteStore::Ping() {
    auto reader = readers_.Acquire();
    auto statement = reader->Prepare("SELECT 1");
    if (!statement) return core::Fail(statement.error());
    auto row = statement->Step();
    if (!row) return core::Fail(row.error());
    return {};
}

}  // namespace rt::storage::sqlite
