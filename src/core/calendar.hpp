#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace rt::core {

// A UTC calendar day as a count of days since 1970-01-01 (which is day 0). Reports bucket by day,
// ISO week (starting Monday) and calendar month, all in UTC.
using Day = std::int32_t;

inline constexpr std::int64_t kMsPerDay = 86'400'000;

Day DayOf(TimePoint t);
TimePoint StartOf(Day d);

// Proleptic Gregorian; month 1..12, day 1..31. DayFromCivil does not validate.
Day DayFromCivil(int year, int month, int day);
struct CivilDate {
    int year = 1970;
    int month = 1;
    int day = 1;
};
CivilDate CivilFromDay(Day d);

// "2026-11-24" → its day; nullopt for anything else, including impossible dates ("2026-02-30").
std::optional<Day> ParseDate(std::string_view text);
std::string FormatDate(Day d);   // "2026-11-24"
std::string FormatMonth(Day d);  // "2026-11", the month holding d

Day WeekStart(Day d);       // the Monday on or before d
Day MonthStart(Day d);      // the first of d's month
Day NextMonthStart(Day d);  // the first of the month after d's

}  // namespace rt::core
