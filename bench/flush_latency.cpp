// How long one durable commit's flush takes on this disk, apart from SQLite: each round writes --kib KiB
// at the next offset of a file written and synced beforehand (as SQLite reuses its WAL) and calls
// fdatasync. A click batch's commit writes ~22 WAL frames of 4 KiB (~88 KiB) and then syncs
// (docs/benchmarks.md, "The idle CPU while a batch's flush completes"). Run it under `taskset -c` to see how the
// CPU it waits on changes the time: an idle vCPU that halts must be woken when the flush completes.
//
//   flush_latency PATH [--kib N (1-1024, default 88)] [--count N (default 2000)]
//
// PATH must not exist; it is removed at the end. Prints "key value" lines: flush_kib, flush_count,
// flush_mean_us, flush_p50_us, flush_p99_us, and flush_cpu_us (this process's user and system CPU per
// flush). Exits 1 with a message on stderr when the file cannot be created or written, 2 on a usage error.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "measure.hpp"

namespace rt::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr off_t kFileBytes = off_t{64} << 20;

struct Options {
    std::string path;
    int kib = 88;
    int count = 2000;
};

// Empty `path` on a usage error: an unknown option, a value that is not a number, or a second path.
Options ParseOptions(int argc, char** argv) {
    Options options;
    const auto number = [](const char* text, int& into) {
        char* end = nullptr;
        errno = 0;
        const long value = std::strtol(text, &end, 10);
        if (errno != 0 || end == text || *end != '\0' || value < 1 || value > 1'000'000) return false;
        into = static_cast<int>(value);
        return true;
    };
    std::string path;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--kib" && i + 1 < argc) {
            if (!number(argv[++i], options.kib) || options.kib > 1024) return {};
        } else if (arg == "--count" && i + 1 < argc) {
            if (!number(argv[++i], options.count)) return {};
        } else if (arg.starts_with("-") || !path.empty()) {
            return {};
        } else {
            path = std::string(arg);
        }
    }
    options.path = std::move(path);
    return options;
}

int Fail(const char* what, ssize_t written = -1) {
    if (written >= 0) {
        std::fprintf(stderr, "flush_latency: %s: short write (%zd bytes)\n", what, written);
    } else {
        std::fprintf(stderr, "flush_latency: %s: %s\n", what, std::strerror(errno));
    }
    return 1;
}

int Run(const Options& options) {
    if (options.path.empty()) {
        std::fprintf(stderr, "usage: flush_latency PATH [--kib 1-1024] [--count N]\n");
        return 2;
    }
    const int fd = open(options.path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return Fail("cannot create the file");
    struct Cleanup {
        int fd;
        const std::string& path;
        ~Cleanup() {
            close(fd);
            unlink(path.c_str());
        }
    } cleanup{fd, options.path};

    std::vector<char> chunk(std::size_t{1} << 20, 7);
    for (off_t at = 0; at < kFileBytes; at += static_cast<off_t>(chunk.size())) {
        const ssize_t written = pwrite(fd, chunk.data(), chunk.size(), at);
        if (written != static_cast<ssize_t>(chunk.size())) return Fail("write", written);
    }
    if (fsync(fd) != 0) return Fail("fsync");

    const auto bytes = static_cast<std::size_t>(options.kib) * 1024;
    std::vector<double> micros;
    micros.reserve(static_cast<std::size_t>(options.count));
    off_t at = 0;
    const double cpu_before = CpuSeconds();
    const auto started = Clock::now();
    for (int i = 0; i < options.count; ++i) {
        if (at + static_cast<off_t>(bytes) > kFileBytes) at = 0;
        const auto begin = Clock::now();
        const ssize_t written = pwrite(fd, chunk.data(), bytes, at);
        if (written != static_cast<ssize_t>(bytes)) return Fail("write", written);
        if (fdatasync(fd) != 0) return Fail("fdatasync");
        micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - begin).count());
        at += static_cast<off_t>(bytes);
    }
    const double took = std::chrono::duration<double, std::micro>(Clock::now() - started).count();
    const double cpu = (CpuSeconds() - cpu_before) * 1e6;

    std::printf("flush_kib %d\n", options.kib);
    std::printf("flush_count %d\n", options.count);
    std::printf("flush_mean_us %.1f\n", took / options.count);
    std::printf("flush_p50_us %.1f\n", Percentile(micros, 50));
    std::printf("flush_p99_us %.1f\n", Percentile(micros, 99));
    std::printf("flush_cpu_us %.1f\n", cpu / options.count);
    return 0;
}

}  // namespace
}  // namespace rt::bench

int main(int argc, char** argv) { return rt::bench::Run(rt::bench::ParseOptions(argc, argv)); }
