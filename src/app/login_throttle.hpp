#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/time.hpp"

namespace rt::app {

// Counts failed logins per key (an email, a client address) in a sliding window, so that a key with
// `max_failures` failures inside the last `window_ms` is refused until the oldest of them leaves the window.
// In memory: per process, forgotten on restart, not shared between nodes. At most `max_keys` keys are kept;
// beyond that, keys whose failures all left the window are dropped, then the key failed least recently.
// Thread-safe; never blocks on I/O.
class LoginThrottle {
  public:
    struct Options {
        int max_failures = 5;                  // failures allowed inside the window; the next attempt is refused
        std::int64_t window_ms = 15 * 60'000;  // 15 minutes
        std::size_t max_keys = 100'000;        // bounds memory (~100 bytes a key)
    };

    LoginThrottle() : LoginThrottle(Options{}) {}
    explicit LoginThrottle(Options options) : options_(options) {}

    // 0 when every key may try now; else how many milliseconds until all of them may (the longest wait).
    std::int64_t RetryAfterMs(std::span<const std::string> keys, core::TimePoint now);
    // Counts one failure for each key.
    void RecordFailure(std::span<const std::string> keys, core::TimePoint now);
    // Forgets the key's failures (after a successful login, for its email).
    void Reset(std::string_view key);

  private:
    // Drops the failures of `times` that left the window at `now`.
    void Expire(std::deque<std::int64_t>& times, core::TimePoint now) const;
    // Makes room for one more key: precondition mu_ held.
    void MakeRoom(core::TimePoint now);

    Options options_;
    std::mutex mu_;
    std::unordered_map<std::string, std::deque<std::int64_t>> failures_;  // key → failure times, oldest first
};

}  // namespace rt::app
