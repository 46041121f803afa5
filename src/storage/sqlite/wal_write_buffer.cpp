#include "storage/sqlite/wal_write_buffer.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>

namespace rt::storage::sqlite {

namespace {

constexpr std::size_t kFlushAt = 4 * 1024 * 1024;
// The unix VFS writes at most 128 KiB per call (it masks the length to 17 bits): larger gathers go down in
// pieces of this size.
constexpr std::size_t kMaxWrite = 120 * 1024;

std::atomic<std::uint64_t> writes_asked{0};
std::atomic<std::uint64_t> writes_passed_down{0};

// Our part of an open file; the underlying VFS's file follows it in the same allocation.
struct BufferedFile {
    sqlite3_file base;  // must come first: SQLite sees this
    sqlite3_file* real;
    bool buffered;  // a WAL file
    unsigned char* data;
    std::size_t size;
    std::size_t capacity;
    sqlite3_int64 offset;  // where data[0] goes in the file
};

constexpr std::size_t kRealOffset = (sizeof(BufferedFile) + 15) / 16 * 16;

BufferedFile* Self(sqlite3_file* file) { return reinterpret_cast<BufferedFile*>(file); }
sqlite3_file* Real(sqlite3_file* file) { return Self(file)->real; }
sqlite3_vfs* Base(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }

// Writes what has gathered; the buffer is empty afterwards either way (a failed write fails the operation
// that asked for it, and SQLite does not count those frames written).
int Flush(BufferedFile* f) {
    int rc = SQLITE_OK;
    for (std::size_t at = 0; at < f->size && rc == SQLITE_OK; at += kMaxWrite) {
        const std::size_t n = std::min(kMaxWrite, f->size - at);
        rc = f->real->pMethods->xWrite(f->real, f->data + at, static_cast<int>(n),
                                       f->offset + static_cast<sqlite3_int64>(at));
        writes_passed_down.fetch_add(1, std::memory_order_relaxed);
    }
    f->size = 0;
    return rc;
}

int Close(sqlite3_file* file) {
    BufferedFile* f = Self(file);
    const int flushed = Flush(f);
    sqlite3_free(f->data);
    f->data = nullptr;
    f->capacity = 0;
    const int rc = f->real->pMethods->xClose(f->real);
    return flushed != SQLITE_OK ? flushed : rc;
}

int Read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
    if (int rc = Flush(Self(file)); rc != SQLITE_OK) return rc;
    return Real(file)->pMethods->xRead(Real(file), out, amount, offset);
}

int Write(sqlite3_file* file, const void* in, int amount, sqlite3_int64 offset) {
    BufferedFile* f = Self(file);
    if (!f->buffered) return f->real->pMethods->xWrite(f->real, in, amount, offset);
    writes_asked.fetch_add(1, std::memory_order_relaxed);
    if (f->size > 0 && offset != f->offset + static_cast<sqlite3_int64>(f->size)) {
        if (int rc = Flush(f); rc != SQLITE_OK) return rc;
    }
    if (f->size == 0) f->offset = offset;
    const auto n = static_cast<std::size_t>(amount);
    if (f->size + n > f->capacity) {
        std::size_t capacity = f->capacity == 0 ? 256 * 1024 : f->capacity;
        while (capacity < f->size + n) capacity *= 2;
        auto* grown = static_cast<unsigned char*>(sqlite3_realloc64(f->data, capacity));
        if (grown == nullptr) {
            // No memory to gather: write what gathered, then this write, directly.
            if (int rc = Flush(f); rc != SQLITE_OK) return rc;
            writes_passed_down.fetch_add(1, std::memory_order_relaxed);
            return f->real->pMethods->xWrite(f->real, in, amount, offset);
        }
        f->data = grown;
        f->capacity = capacity;
    }
    std::memcpy(f->data + f->size, in, n);
    f->size += n;
    return f->size >= kFlushAt ? Flush(f) : SQLITE_OK;
}

int Truncate(sqlite3_file* file, sqlite3_int64 size) {
    if (int rc = Flush(Self(file)); rc != SQLITE_OK) return rc;
    return Real(file)->pMethods->xTruncate(Real(file), size);
}

int Sync(sqlite3_file* file, int flags) {
    if (int rc = Flush(Self(file)); rc != SQLITE_OK) return rc;
    return Real(file)->pMethods->xSync(Real(file), flags);
}

int FileSize(sqlite3_file* file, sqlite3_int64* size) {
    if (int rc = Flush(Self(file)); rc != SQLITE_OK) return rc;
    return Real(file)->pMethods->xFileSize(Real(file), size);
}

int Lock(sqlite3_file* file, int level) { return Real(file)->pMethods->xLock(Real(file), level); }
int Unlock(sqlite3_file* file, int level) { return Real(file)->pMethods->xUnlock(Real(file), level); }
int CheckReservedLock(sqlite3_file* file, int* out) {
    return Real(file)->pMethods->xCheckReservedLock(Real(file), out);
}

int FileControl(sqlite3_file* file, int op, void* arg) {
    if (int rc = Flush(Self(file)); rc != SQLITE_OK) return rc;
    return Real(file)->pMethods->xFileControl(Real(file), op, arg);
}

int SectorSize(sqlite3_file* file) { return Real(file)->pMethods->xSectorSize(Real(file)); }
int DeviceCharacteristics(sqlite3_file* file) { return Real(file)->pMethods->xDeviceCharacteristics(Real(file)); }

// The shared-memory and memory-map methods exist from version 2 and 3 of the real methods on.
int ShmMap(sqlite3_file* file, int page, int size, int extend, void volatile** out) {
    return Real(file)->pMethods->xShmMap(Real(file), page, size, extend, out);
}
int ShmLock(sqlite3_file* file, int offset, int n, int flags) {
    return Real(file)->pMethods->xShmLock(Real(file), offset, n, flags);
}
void ShmBarrier(sqlite3_file* file) { Real(file)->pMethods->xShmBarrier(Real(file)); }
int ShmUnmap(sqlite3_file* file, int delete_flag) { return Real(file)->pMethods->xShmUnmap(Real(file), delete_flag); }
int Fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
    if (int rc = Flush(Self(file)); rc != SQLITE_OK) return rc;
    return Real(file)->pMethods->xFetch(Real(file), offset, amount, out);
}
int Unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
    return Real(file)->pMethods->xUnfetch(Real(file), offset, page);
}

// One table per version of the real file's methods, so SQLite never calls a method the real file lacks.
sqlite3_io_methods MethodsOfVersion(int version) {
    sqlite3_io_methods m{};
    m.iVersion = version;
    m.xClose = Close;
    m.xRead = Read;
    m.xWrite = Write;
    m.xTruncate = Truncate;
    m.xSync = Sync;
    m.xFileSize = FileSize;
    m.xLock = Lock;
    m.xUnlock = Unlock;
    m.xCheckReservedLock = CheckReservedLock;
    m.xFileControl = FileControl;
    m.xSectorSize = SectorSize;
    m.xDeviceCharacteristics = DeviceCharacteristics;
    if (version >= 2) {
        m.xShmMap = ShmMap;
        m.xShmLock = ShmLock;
        m.xShmBarrier = ShmBarrier;
        m.xShmUnmap = ShmUnmap;
    }
    if (version >= 3) {
        m.xFetch = Fetch;
        m.xUnfetch = Unfetch;
    }
    return m;
}

const sqlite3_io_methods kMethods[] = {MethodsOfVersion(1), MethodsOfVersion(2), MethodsOfVersion(3)};

int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
    BufferedFile* f = Self(file);
    f->base.pMethods = nullptr;
    f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kRealOffset);
    f->buffered = (flags & SQLITE_OPEN_WAL) != 0;
    f->data = nullptr;
    f->size = 0;
    f->capacity = 0;
    f->offset = 0;
    sqlite3_vfs* base = Base(vfs);
    const int rc = base->xOpen(base, name, f->real, flags, out_flags);
    if (rc == SQLITE_OK && f->real->pMethods != nullptr) {
        const int version = f->real->pMethods->iVersion;
        f->base.pMethods = &kMethods[(version < 1 ? 1 : version > 3 ? 3 : version) - 1];
    }
    return rc;
}

// Every other VFS method is the base VFS's own, called with the base VFS.
int Delete(sqlite3_vfs* vfs, const char* name, int sync_dir) { return Base(vfs)->xDelete(Base(vfs), name, sync_dir); }
int Access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
    return Base(vfs)->xAccess(Base(vfs), name, flags, out);
}
int FullPathname(sqlite3_vfs* vfs, const char* name, int n, char* out) {
    return Base(vfs)->xFullPathname(Base(vfs), name, n, out);
}
void* DlOpen(sqlite3_vfs* vfs, const char* name) { return Base(vfs)->xDlOpen(Base(vfs), name); }
void DlError(sqlite3_vfs* vfs, int n, char* out) { Base(vfs)->xDlError(Base(vfs), n, out); }
void (*DlSym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
    return Base(vfs)->xDlSym(Base(vfs), handle, symbol);
}
void DlClose(sqlite3_vfs* vfs, void* handle) { Base(vfs)->xDlClose(Base(vfs), handle); }
int Randomness(sqlite3_vfs* vfs, int n, char* out) { return Base(vfs)->xRandomness(Base(vfs), n, out); }
int Sleep(sqlite3_vfs* vfs, int microseconds) { return Base(vfs)->xSleep(Base(vfs), microseconds); }
int CurrentTime(sqlite3_vfs* vfs, double* out) { return Base(vfs)->xCurrentTime(Base(vfs), out); }
int GetLastError(sqlite3_vfs* vfs, int n, char* out) { return Base(vfs)->xGetLastError(Base(vfs), n, out); }
int CurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) { return Base(vfs)->xCurrentTimeInt64(Base(vfs), out); }

constexpr const char* kName = "rt-wal-buffer";

}  // namespace

const char* WalBufferingVfs() {
    static const char* const name = []() -> const char* {
        sqlite3_vfs* base = sqlite3_vfs_find(nullptr);
        if (base == nullptr || base->iVersion < 2) return nullptr;
        static sqlite3_vfs vfs{};
        vfs.iVersion = 2;  // no xSetSystemCall & co: those are for SQLite's own tests
        vfs.szOsFile = static_cast<int>(kRealOffset) + base->szOsFile;
        vfs.mxPathname = base->mxPathname;
        vfs.zName = kName;
        vfs.pAppData = base;
        vfs.xOpen = Open;
        vfs.xDelete = Delete;
        vfs.xAccess = Access;
        vfs.xFullPathname = FullPathname;
        vfs.xDlOpen = DlOpen;
        vfs.xDlError = DlError;
        vfs.xDlSym = DlSym;
        vfs.xDlClose = DlClose;
        vfs.xRandomness = Randomness;
        vfs.xSleep = Sleep;
        vfs.xCurrentTime = CurrentTime;
        vfs.xGetLastError = GetLastError;
        vfs.xCurrentTimeInt64 = CurrentTimeInt64;
        return sqlite3_vfs_register(&vfs, 0) == SQLITE_OK ? kName : nullptr;
    }();
    return name;
}

WalWriteCounts WalWrites() {
    return {writes_asked.load(std::memory_order_relaxed), writes_passed_down.load(std::memory_order_relaxed)};
}

}  // namespace rt::storage::sqlite
