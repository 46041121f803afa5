#pragma once

#include <sqlite3.h>

#include <cstdint>

namespace rt::storage::sqlite {

// SQLite's own page cache (pcache1), wrapped so that the end of a write transaction does not walk every
// cached page.
//
// Why: at the end of every write transaction the pager asks its cache to drop the pages past the end of
// the database (xTruncate). pcache1 skips that work only while no page it ever held since the last
// truncation had a number past the end. But when a B-tree node splits and its new siblings are not in
// ascending page order, SQLite renumbers them through a temporary page number, the lock-byte page
// (262,145 with 4 KiB pages), so pcache1 believes a page that far out may exist and walks its whole hash
// table and every cached page on the next commit: 16,384 buckets and ~13,000 pages with our 64 MiB
// cache. That walk was 8 % of the redirect's server CPU and 3 % of ingest's (docs/benchmarks.md, "The
// page cache's walk at every commit").
//
// The wrapper keeps its own account of which page numbers a cache may hold beyond those it held at the
// last truncation: the highest number a page was fetched (created) under, and the numbers a page was
// renumbered to above that, forgotten when the page is renumbered away again. A truncation that cannot
// reach any of them is answered without asking pcache1; any other is passed on. Every other call goes
// to pcache1 unchanged. The account is conservative: it may pass on a truncation that had nothing to do
// (pcache1 then does what it did before), never skip one that had.
//
// Thread safety: SQLite calls a cache's methods under its connection's serialization; the account is per
// cache; the counters are atomic.

// Installs the wrapper as the process's page cache. Must run before SQLite initializes (the first
// sqlite3_open); returns the sqlite3_config result (SQLITE_MISUSE when SQLite was already initialized,
// in which case pcache1 stays in use unwrapped). Only the first call acts; later ones return its result.
int InstallPageCache();

// The wrapper's methods, over SQLite's default cache. For tests, which call them directly.
const sqlite3_pcache_methods2& PageCacheMethods();

// Truncations passed on to pcache1 and answered without it, since the process started.
std::uint64_t PageCacheTruncationsPassed();
std::uint64_t PageCacheTruncationsSkipped();

}  // namespace rt::storage::sqlite
