#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rt::core {

// A UTC instant with millisecond precision. Plain value; comparisons are by time.
struct TimePoint {
    std::int64_t unix_ms = 0;

    auto operator<=>(const TimePoint&) const = default;
};

// "2026-11-24T10:00:00.000Z". Always UTC, always milliseconds.
std::string FormatRfc3339(TimePoint t);

// Accepts RFC 3339 with a 'Z' or a numeric offset and 0-9 fraction digits (extra precision truncated
// to milliseconds). Returns nullopt for anything else, including impossible dates.
std::optional<TimePoint> ParseRfc3339(std::string_view text);

// The clock port. Implementations: the system clock (src/ports) and a settable fake for tests.
class Clock {
  public:
    virtual ~Clock() = default;
    virtual TimePoint Now() = 0;
};

}  // namespace rt::core
