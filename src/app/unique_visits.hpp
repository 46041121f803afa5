#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/time.hpp"

namespace rt::app {

// Remembers which visitor went through which link recently, to tell a unique click from a repeat.
// In memory only and bounded: a restart forgets everything (the first click of each visitor after a
// restart counts as unique again), and when `capacity` keys are held the oldest is forgotten first.
// Thread-safe; each call takes one mutex for a hash lookup and an append, never blocking on I/O.
class UniqueVisits {
  public:
    // How long a visit makes later visits of the same visitor through the same link not unique.
    static constexpr std::int64_t kWindowMs = 60 * 60 * 1000;
    // Default capacity: 500k keys, about 35 MB; a node that sees more distinct (visitor, link) pairs per
    // hour under-counts repeats (over-counts unique clicks) rather than growing without bound.
    static constexpr std::size_t kDefaultCapacity = 500'000;

    explicit UniqueVisits(std::size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

    // True when none of `keys` saw a unique visit within the window before `now`. A unique visit is
    // remembered under every key; a repeat changes nothing, so a visitor who keeps coming back counts
    // once per window that starts with a unique visit. Keys name the visitor and the link (the caller
    // builds them: "<link id>|<visitor id>", "<link id>|<ip hash>|<device>").
    bool Visit(const std::vector<std::string>& keys, core::TimePoint now);

    // Undoes a Visit that returned true at `now` with these keys, when its click was not recorded after
    // all (the writer refused it or its batch failed), so that the visitor's retry counts as unique.
    void Forget(const std::vector<std::string>& keys, core::TimePoint now);

    std::size_t size() const;

  private:
    void Expire(core::TimePoint now);  // precondition: mu_ held

    std::size_t capacity_;
    mutable std::mutex mu_;
    // Keys are kept as 64-bit hashes: a collision (about 1 in 10^7 at capacity) only makes one click a repeat.
    std::unordered_map<std::uint64_t, std::int64_t> last_unique_ms_;  // guarded by mu_
    std::deque<std::pair<std::uint64_t, std::int64_t>> order_;        // in remembering order; guarded by mu_
};

}  // namespace rt::app
