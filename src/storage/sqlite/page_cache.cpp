#include "storage/sqlite/page_cache.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <vector>

namespace rt::storage::sqlite {

namespace {

// One cache: pcache1's, and the page numbers it may hold beyond those it held at the last truncation.
struct Cache {
    sqlite3_pcache* inner = nullptr;
    // At least every number a page was fetched (created) under since the last truncation below it.
    unsigned max_fetched = 0;
    // Numbers above max_fetched that a page was renumbered to and has not been renumbered away from. A
    // B-tree's renumbering parks one page at a time there, so this holds none or one.
    std::vector<unsigned> renumbered;

    bool MayHoldFrom(unsigned limit) const {
        return max_fetched >= limit ||
               std::any_of(renumbered.begin(), renumbered.end(), [limit](unsigned key) { return key >= limit; });
    }
};

Cache* Of(sqlite3_pcache* cache) { return reinterpret_cast<Cache*>(cache); }

sqlite3_pcache_methods2 g_inner{};  // SQLite's default cache, read once
std::atomic<std::uint64_t> g_passed{0};
std::atomic<std::uint64_t> g_skipped{0};

int Init(void*) { return g_inner.xInit != nullptr ? g_inner.xInit(g_inner.pArg) : SQLITE_OK; }

void Shutdown(void*) {
    if (g_inner.xShutdown != nullptr) g_inner.xShutdown(g_inner.pArg);
}

sqlite3_pcache* Create(int page_size, int extra_size, int purgeable) {
    sqlite3_pcache* inner = g_inner.xCreate(page_size, extra_size, purgeable);
    if (inner == nullptr) return nullptr;
    auto* cache = new (std::nothrow) Cache{.inner = inner};
    if (cache == nullptr) {
        g_inner.xDestroy(inner);
        return nullptr;
    }
    return reinterpret_cast<sqlite3_pcache*>(cache);
}

void Cachesize(sqlite3_pcache* cache, int pages) { g_inner.xCachesize(Of(cache)->inner, pages); }

int Pagecount(sqlite3_pcache* cache) { return g_inner.xPagecount(Of(cache)->inner); }

sqlite3_pcache_page* Fetch(sqlite3_pcache* cache, unsigned key, int create) {
    Cache& c = *Of(cache);
    sqlite3_pcache_page* page = g_inner.xFetch(c.inner, key, create);
    if (page != nullptr && create != 0) c.max_fetched = std::max(c.max_fetched, key);
    return page;
}

void Unpin(sqlite3_pcache* cache, sqlite3_pcache_page* page, int discard) {
    g_inner.xUnpin(Of(cache)->inner, page, discard);
}

void Rekey(sqlite3_pcache* cache, sqlite3_pcache_page* page, unsigned old_key, unsigned new_key) {
    Cache& c = *Of(cache);
    g_inner.xRekey(c.inner, page, old_key, new_key);
    std::erase(c.renumbered, old_key);
    if (new_key > c.max_fetched && std::find(c.renumbered.begin(), c.renumbered.end(), new_key) == c.renumbered.end()) {
        c.renumbered.push_back(new_key);
    }
}

// Drops the pages numbered `limit` and above.
void Truncate(sqlite3_pcache* cache, unsigned limit) {
    Cache& c = *Of(cache);
    if (!c.MayHoldFrom(limit)) {
        g_skipped.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    g_passed.fetch_add(1, std::memory_order_relaxed);
    g_inner.xTruncate(c.inner, limit);
    if (limit > 0) c.max_fetched = std::min(c.max_fetched, limit - 1);
    std::erase_if(c.renumbered, [limit](unsigned key) { return key >= limit; });
}

void Destroy(sqlite3_pcache* cache) {
    Cache* c = Of(cache);
    g_inner.xDestroy(c->inner);
    delete c;
}

void Shrink(sqlite3_pcache* cache) { g_inner.xShrink(Of(cache)->inner); }

const sqlite3_pcache_methods2 kMethods{
    .iVersion = 1,
    .pArg = nullptr,
    .xInit = Init,
    .xShutdown = Shutdown,
    .xCreate = Create,
    .xCachesize = Cachesize,
    .xPagecount = Pagecount,
    .xFetch = Fetch,
    .xUnpin = Unpin,
    .xRekey = Rekey,
    .xTruncate = Truncate,
    .xDestroy = Destroy,
    .xShrink = Shrink,
};

// Reads SQLite's default cache once, before the wrapper is installed. SQLITE_CONFIG_GETPCACHE2 answers only
// before SQLite initializes (SQLITE_MISUSE after, leaving g_inner empty: the wrapper is then not installed).
void ReadInnerOnce() {
    static std::once_flag once;
    std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &g_inner); });
}

}  // namespace

int InstallPageCache() {
    static std::once_flag once;
    static int result = SQLITE_MISUSE;
    std::call_once(once, [] {
        ReadInnerOnce();
        if (g_inner.xCreate != nullptr) result = sqlite3_config(SQLITE_CONFIG_PCACHE2, &kMethods);
    });
    return result;
}

const sqlite3_pcache_methods2& PageCacheMethods() {
    ReadInnerOnce();
    return kMethods;
}

std::uint64_t PageCacheTruncationsPassed() { return g_passed.load(std::memory_order_relaxed); }
std::uint64_t PageCacheTruncationsSkipped() { return g_skipped.load(std::memory_order_relaxed); }

}  // namespace rt::storage::sqlite
