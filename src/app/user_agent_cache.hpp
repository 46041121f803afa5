#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/user_agent.hpp"

namespace rt::app {

// core::ClassifyUserAgent with a small direct-mapped memory of the last headers classified: browsers send a
// few strings over and over, and classifying one cost ~5,000 instructions of a redirect's ~130,000, where a
// hit costs a hash and a compare. Headers longer than kMaxCached are classified every time (a cache of the
// common ones has no use for them, and they would make it large). Not thread-safe: one per thread.
class UserAgentCache {
  public:
    static constexpr std::size_t kMaxCached = 512;

    explicit UserAgentCache(std::size_t slots = 256) : slots_(slots == 0 ? 1 : slots) {}

    core::UserAgentClass Classify(std::string_view user_agent);

  private:
    struct Slot {
        bool used = false;
        std::string user_agent;
        core::UserAgentClass classified;
    };
    std::vector<Slot> slots_;
};

}  // namespace rt::app
