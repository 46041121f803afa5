#include "core/calendar.hpp"

#include <gtest/gtest.h>

namespace rt::core {
namespace {

TEST(Calendar, DaysAndDatesRoundTrip) {
    EXPECT_EQ(DayFromCivil(1970, 1, 1), 0);
    EXPECT_EQ(*ParseDate("2026-11-24"), DayFromCivil(2026, 11, 24));
    for (Day d = -800; d < 30'000; d += 37) EXPECT_EQ(*ParseDate(FormatDate(d)), d);
    EXPECT_EQ(FormatDate(DayFromCivil(2024, 2, 29)), "2024-02-29");
    EXPECT_EQ(FormatMonth(DayFromCivil(2026, 11, 24)), "2026-11");
}

TEST(Calendar, ParseDateRefusesAnythingButAValidDate) {
    for (const char* bad : {"", "2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "2026-01-1", "20260101",
                            "2026-01-01T00:00:00Z", "2026/01/01", "abcd-ef-gh", "2026-04-31"})
        EXPECT_FALSE(ParseDate(bad)) << bad;
}

TEST(Calendar, DayOfFloorsBeforeTheEpochToo) {
    EXPECT_EQ(DayOf({0}), 0);
    EXPECT_EQ(DayOf({kMsPerDay - 1}), 0);
    EXPECT_EQ(DayOf({-1}), -1);
    EXPECT_EQ(StartOf(DayOf({1'795'000'000'000})).unix_ms % kMsPerDay, 0);
}

TEST(Calendar, WeeksStartOnMondayAndMonthsOnTheFirst) {
    const Day tuesday = DayFromCivil(2026, 11, 24);
    EXPECT_EQ(WeekStart(tuesday), DayFromCivil(2026, 11, 23));
    EXPECT_EQ(WeekStart(DayFromCivil(2026, 11, 23)), DayFromCivil(2026, 11, 23));
    EXPECT_EQ(WeekStart(DayFromCivil(2026, 11, 22)), DayFromCivil(2026, 11, 16));  // a Sunday
    EXPECT_EQ(WeekStart(-1), -3);  // 1969-12-31 was a Wednesday; 1969-12-29 a Monday
    EXPECT_EQ(MonthStart(tuesday), DayFromCivil(2026, 11, 1));
    EXPECT_EQ(NextMonthStart(tuesday), DayFromCivil(2026, 12, 1));
    EXPECT_EQ(NextMonthStart(DayFromCivil(2026, 12, 31)), DayFromCivil(2027, 1, 1));
}

}  // namespace
}  // namespace rt::core
