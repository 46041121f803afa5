#include "storage/open_store.hpp"

#include <string>

#include "storage/memory/memory_store.hpp"
#include "storage/postgres/pg_store.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace rt::storage {

namespace {

constexpr std::string_view kSqliteScheme = "sqlite://";

core::Error BadUrl() {
    return core::Error::Invalid(
        "db", "the db setting must be sqlite:///abs/path.db, sqlite://rel/path.db, postgresql://… or memory://");
}

}  // namespace

core::Result<std::unique_ptr<ports::Store>> OpenStore(std::string_view url, const StoreOptions& options) {
    if (url == "memory://") return std::make_unique<MemoryStore>();
    if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
        auto store = postgres::PgStore::Open(std::string(url), options.max_connections);
        if (!store) return core::Fail(store.error());
        return std::unique_ptr<ports::Store>(std::move(*store));
    }
    if (!url.starts_with(kSqliteScheme) || url.size() == kSqliteScheme.size()) return core::Fail(BadUrl());
    auto store = sqlite::SqliteStore::Open(std::string(url.substr(kSqliteScheme.size())), options.read_connections,
                                           options.bulk_load);
    if (!store) return core::Fail(store.error());
    return std::unique_ptr<ports::Store>(std::move(*store));
}

}  // namespace rt::storage
