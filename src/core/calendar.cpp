#include "core/calendar.hpp"

#include <charconv>
#include <cstdio>

namespace rt::core {

Day DayOf(TimePoint t) {
    auto q = t.unix_ms / kMsPerDay;
    if (t.unix_ms % kMsPerDay < 0) --q;  // floor, also before 1970
    return static_cast<Day>(q);
}

TimePoint StartOf(Day d) { return TimePoint{static_cast<std::int64_t>(d) * kMsPerDay}; }

// Howard Hinnant's days_from_civil / civil_from_days algorithms.
Day DayFromCivil(int year, int month, int day) {
    const int y = year - (month <= 2 ? 1 : 0);
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int mp = (month + 9) % 12;
    const int doy = (153 * mp + 2) / 5 + day - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

CivilDate CivilFromDay(Day d) {
    const int z = d + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    const int day = doy - (153 * mp + 2) / 5 + 1;
    const int month = mp < 10 ? mp + 3 : mp - 9;
    return CivilDate{yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

std::optional<Day> ParseDate(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    auto num = [&](std::size_t at, std::size_t len) -> std::optional<int> {
        int v = 0;
        for (std::size_t i = at; i < at + len; ++i) {
            if (text[i] < '0' || text[i] > '9') return std::nullopt;
            v = v * 10 + (text[i] - '0');
        }
        return v;
    };
    auto y = num(0, 4), m = num(5, 2), d = num(8, 2);
    if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1) return std::nullopt;
    const Day day = DayFromCivil(*y, *m, *d);
    const auto back = CivilFromDay(day);
    if (back.year != *y || back.month != *m || back.day != *d) return std::nullopt;
    return day;
}

std::string FormatDate(Day d) {
    const auto c = CivilFromDay(d);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.year, c.month, c.day);
    return buf;
}

std::string FormatMonth(Day d) { return FormatDate(d).substr(0, 7); }

Day WeekStart(Day d) {
    // 1970-01-01 was a Thursday: day 0 has weekday index 3 counting from Monday = 0.
    const int weekday = ((d + 3) % 7 + 7) % 7;
    return d - weekday;
}

Day MonthStart(Day d) {
    const auto c = CivilFromDay(d);
    return DayFromCivil(c.year, c.month, 1);
}

Day NextMonthStart(Day d) {
    const auto c = CivilFromDay(d);
    return c.month == 12 ? DayFromCivil(c.year + 1, 1, 1) : DayFromCivil(c.year, c.month + 1, 1);
}

}  // namespace rt::core
