// What the stand-alone bench tools (durable_insert, flush_latency) share: a percentile of their samples and the
// process's CPU time.
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <cstddef>
#include <vector>

namespace rt::bench {

// The p-th percentile (0-100) of `values`, nearest rank; reorders `values`. 0 when there are none.
inline double Percentile(std::vector<double>& values, double p) {
    if (values.empty()) return 0;
    const auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank), values.end());
    return values[rank];
}

// The process's user and system CPU so far, in seconds.
inline double CpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace rt::bench
