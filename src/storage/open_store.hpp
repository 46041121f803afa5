#pragma once

#include <memory>
#include <string_view>

#include "core/error.hpp"
#include "ports/store.hpp"

namespace rt::storage {

struct StoreOptions {
    // SQLite: reader connections, so up to this many read transactions run at once (each holds an open
    // file and its page cache, ~2 MB at most). At least 1. Ignored by the memory store.
    int read_connections = 4;
    // SQLite: synchronous=OFF and a 1 GiB page cache on the writer, for generating demo data only
    // (`reftrack demo`): commits no longer wait for the disk, so a crash of the machine may lose the last
    // transactions or corrupt the file. Never for serving. Ignored by the memory store.
    bool bulk_load = false;
    // PostgreSQL: the most connections the pool opens (each one a server process); opened as needed. At least 1.
    int max_connections = 16;
};

// Opens the store that `url` names (the `db` setting):
//   sqlite:///abs/path.db   SQLite file at an absolute path
//   sqlite://rel/path.db    SQLite file relative to the current directory
//   memory://               the in-memory fake, for tests; empty on every open
//   postgresql://…          a PostgreSQL database (libpq connection URL; postgres:// too)
// The file and its parent directory are created when missing. Does not migrate: call Migrate().
// Errors: kInvalid (field "db") for any other form; kUnavailable, naming the path, when the file cannot
// be opened or the server cannot be reached.
core::Result<std::unique_ptr<ports::Store>> OpenStore(std::string_view url, const StoreOptions& options = {});

}  // namespace rt::storage
