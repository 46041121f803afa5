#pragma once

#include <cstdint>

namespace rt::storage::sqlite {

// The name of an SQLite VFS that is the platform's default one, except for write-ahead log files: their
// appends are gathered in memory and handed to the file in few large writes, before SQLite syncs, reads,
// sizes, truncates or closes the file, and whenever a write does not continue the gathered bytes (or
// 4 MiB have gathered). SQLite writes each WAL frame as two writes, a 24-byte header and a page, so a
// commit of 40 pages was 80 `pwrite` calls touching ~120 page-cache pages; it is now two calls (the unix
// VFS takes at most 128 KiB a call) over ~41 pages.
//
// Durability is unchanged: SQLite counts a frame written only once the WAL is synced, and every sync
// writes the gathered bytes first; a failed write fails the sync, so the commit fails. Other connections
// read only frames that a synced commit published.
//
// Registers the VFS on the first call (thread-safe); nullptr when that failed, for the default VFS.
const char* WalBufferingVfs();

// Process-wide counters, for tests and measurements: WAL writes SQLite asked for, and writes passed
// down to the files.
struct WalWriteCounts {
    std::uint64_t asked = 0;
    std::uint64_t passed_down = 0;
};
WalWriteCounts WalWrites();

}  // namespace rt::storage::sqlite
