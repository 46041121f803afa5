#include "core/time.hpp"

#include <array>
#include <cstdio>

namespace rt::core {

namespace {

constexpr std::int64_t kMsPerDay = 86'400'000;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
    std::int64_t year;
    unsigned month;
    unsigned day;
};

constexpr Civil CivilFromDays(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

constexpr unsigned DaysInMonth(std::int64_t y, unsigned m) {
    constexpr std::array<unsigned, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos`; advances pos. -1 when they are not digits.
int Digits(std::string_view s, std::size_t& pos, std::size_t n) {
    if (pos + n > s.size()) return -1;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') return -1;
        v = v * 10 + (c - '0');
    }
    pos += n;
    return v;
}

bool Expect(std::string_view s, std::size_t& pos, char c) {
    if (pos >= s.size() || s[pos] != c) return false;
    ++pos;
    return true;
}

}  // namespace

std::string FormatRfc3339(TimePoint t) {
    std::int64_t days = t.unix_ms / kMsPerDay;
    std::int64_t ms_of_day = t.unix_ms % kMsPerDay;
    if (ms_of_day < 0) {
        ms_of_day += kMsPerDay;
        --days;
    }
    const Civil c = CivilFromDays(days);
    const auto h = ms_of_day / 3'600'000;
    const auto mi = ms_of_day / 60'000 % 60;
    const auto s = ms_of_day / 1000 % 60;
    const auto ms = ms_of_day % 1000;
    if (c.year < 0 || c.year > 9999) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(c.year),
                      c.month, c.day, static_cast<long long>(h), static_cast<long long>(mi), static_cast<long long>(s),
                      static_cast<long long>(ms));
        return buf;
    }
    // Digit by digit: snprintf cost ~3,700 instructions a time, and every API answer has a few times.
    std::string out = "0000-00-00T00:00:00.000Z";
    const auto put = [&out](std::size_t at, std::int64_t value, int width) {
        for (int i = width - 1; i >= 0; --i, value /= 10)
            out[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    };
    put(0, c.year, 4);
    put(5, c.month, 2);
    put(8, c.day, 2);
    put(11, h, 2);
    put(14, mi, 2);
    put(17, s, 2);
    put(20, ms, 3);
    return out;
}

std::optional<TimePoint> ParseRfc3339(std::string_view s) {
    std::size_t pos = 0;
    const int year = Digits(s, pos, 4);
    if (year < 0 || !Expect(s, pos, '-')) return std::nullopt;
    const int month = Digits(s, pos, 2);
    if (month < 1 || month > 12 || !Expect(s, pos, '-')) return std::nullopt;
    const int day = Digits(s, pos, 2);
    if (day < 1 || static_cast<unsigned>(day) > DaysInMonth(year, static_cast<unsigned>(month))) return std::nullopt;
    if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't')) return std::nullopt;
    ++pos;
    const int hour = Digits(s, pos, 2);
    if (hour < 0 || hour > 23 || !Expect(s, pos, ':')) return std::nullopt;
    const int minute = Digits(s, pos, 2);
    if (minute < 0 || minute > 59 || !Expect(s, pos, ':')) return std::nullopt;
    const int second = Digits(s, pos, 2);
    if (second < 0 || second > 59) return std::nullopt;  // leap seconds are not representable here
    int millis = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        std::size_t n = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (n < 3) millis = millis * 10 + (s[pos] - '0');
            ++n;
            ++pos;
        }
        if (n == 0 || n > 9) return std::nullopt;
        for (std::size_t i = n; i < 3; ++i) millis *= 10;
    }
    std::int64_t offset_min = 0;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        const int sign = s[pos] == '-' ? -1 : 1;
        ++pos;
        const int oh = Digits(s, pos, 2);
        if (oh < 0 || oh > 23 || !Expect(s, pos, ':')) return std::nullopt;
        const int om = Digits(s, pos, 2);
        if (om < 0 || om > 59) return std::nullopt;
        offset_min = sign * (oh * 60 + om);
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
    const std::int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    const std::int64_t ms = days * kMsPerDay + ((hour * 60LL + minute - offset_min) * 60 + second) * 1000 + millis;
    return TimePoint{ms};
}

}  // namespace rt::core
