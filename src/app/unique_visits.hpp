#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <utility>

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
    // Default capacity: 500k keys, about 26 MB (a table of 2^20 16-byte slots, and the remembering order); a
    // node that sees more distinct (visitor, link) pairs per hour under-counts repeats (over-counts unique
    // clicks) rather than growing without bound.
    static constexpr std::size_t kDefaultCapacity = 500'000;

    // A key names a visitor and a link, as a 64-bit hash of the parts that name them: a collision (about 1 in
    // 10^7 at capacity) only makes one click a repeat.
    using Key = std::uint64_t;
    // The key of these parts, in this order ({link id, "v", visitor id}, {link id, "ip", ip hash, device}),
    // hashed part by part rather than joined into one string first.
    static Key KeyOf(std::initializer_list<std::string_view> parts);

    // The keys of one visit: at most two.
    struct Keys {
        std::array<Key, 2> keys{};
        std::size_t size = 0;

        void Add(Key key) { keys[size++] = key; }
        std::span<const Key> span() const { return {keys.data(), size}; }
    };

    explicit UniqueVisits(std::size_t capacity = kDefaultCapacity);
    ~UniqueVisits();

    // True when none of `keys` saw a unique visit within the window before `now`. A unique visit is
    // remembered under every key; a repeat changes nothing, so a visitor who keeps coming back counts
    // once per window that starts with a unique visit. Keys name the visitor and the link (the caller
    // builds them from "<link id>, v, <visitor id>" and "<link id>, ip, <ip hash>, <device>").
    bool Visit(std::span<const Key> keys, core::TimePoint now);

    // Undoes a Visit that returned true at `now` with these keys, when its click was not recorded after
    // all (the writer refused it or its batch failed), so that the visitor's retry counts as unique.
    void Forget(std::span<const Key> keys, core::TimePoint now);

    std::size_t size() const;

  private:
    void Expire(core::TimePoint now);  // precondition: mu_ held

    std::size_t capacity_;
    mutable std::mutex mu_;
    // Key → the time of its last unique visit: absl's open-addressing table (in the .cpp, to keep absl's headers
    // out of the HTTP layer's), where a lookup touches one group of slots instead of a bucket and a list node,
    // and a visit allocates nothing. With std::unordered_map at capacity, its lookups were ~3 % of a click's CPU.
    struct Table;
    std::unique_ptr<Table> last_unique_ms_;           // guarded by mu_
    std::deque<std::pair<Key, std::int64_t>> order_;  // in remembering order; guarded by mu_
};

}  // namespace rt::app
