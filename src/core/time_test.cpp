#include "core/time.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>

#include "ports/fakes.hpp"

namespace rt::core {
namespace {

constexpr std::int64_t kYear0 = -62'167'219'200'000;        // 0000-01-01T00:00:00.000Z
constexpr std::int64_t kYear9999End = 253'402'300'799'999;  // 9999-12-31T23:59:59.999Z

TEST(FormatRfc3339, FormatsUtcWithMilliseconds) {
    struct Row {
        std::int64_t unix_ms;
        const char* expected;
    };
    const Row rows[] = {
        {0, "1970-01-01T00:00:00.000Z"},
        {1, "1970-01-01T00:00:00.001Z"},
        {999, "1970-01-01T00:00:00.999Z"},
        {-1, "1969-12-31T23:59:59.999Z"},
        {-1000, "1969-12-31T23:59:59.000Z"},
        {-86'400'000, "1969-12-31T00:00:00.000Z"},
        {-14'182'940'000, "1969-07-20T20:17:40.000Z"},
        {-2'208'988'800'000, "1900-01-01T00:00:00.000Z"},
        {-11'670'998'400'000, "1600-02-29T00:00:00.000Z"},
        {-62'135'596'800'000, "0001-01-01T00:00:00.000Z"},
        {kYear0, "0000-01-01T00:00:00.000Z"},
        {951'782'400'000, "2000-02-29T00:00:00.000Z"},
        {1'709'210'096'789, "2024-02-29T12:34:56.789Z"},
        {1'795'514'400'000, "2026-11-24T10:00:00.000Z"},
        {2'147'483'648'000, "2038-01-19T03:14:08.000Z"},
        {4'107'542'399'000, "2100-02-28T23:59:59.000Z"},
        {kYear9999End, "9999-12-31T23:59:59.999Z"},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.unix_ms);
        EXPECT_EQ(FormatRfc3339(TimePoint{row.unix_ms}), row.expected);
    }
}

TEST(ParseRfc3339, AcceptsValidAndRefusesInvalid) {
    struct Row {
        const char* text;
        std::optional<std::int64_t> expected;  // nullopt: refused
    };
    const Row rows[] = {
        // The canonical form and its variants.
        {"2026-11-24T10:00:00.000Z", 1'795'514'400'000},
        {"2026-11-24T10:00:00Z", 1'795'514'400'000},
        {"2026-11-24t10:00:00z", 1'795'514'400'000},
        {"2026-11-24t10:00:00.000Z", 1'795'514'400'000},
        // Offsets: local time minus the offset is UTC.
        {"2026-11-24T12:00:00+02:00", 1'795'514'400'000},
        {"2026-11-24T05:30:00-04:30", 1'795'514'400'000},
        {"2026-11-24T10:00:00+00:00", 1'795'514'400'000},
        {"2026-11-24T10:00:00-00:00", 1'795'514'400'000},
        {"2026-11-24T10:00:00.000+00:00", 1'795'514'400'000},
        {"2026-11-24T09:59:00+23:59", 1'795'514'400'000 - 23 * 3'600'000LL - 59 * 60'000LL - 60'000LL},
        {"2026-01-01T00:30:00+01:00", 1'767'223'800'000},  // the previous day, and year, in UTC
        {"2026-11-24T10:00:00+24:00", std::nullopt},
        {"2026-11-24T10:00:00+02:60", std::nullopt},
        {"2026-11-24T10:00:00+0200", std::nullopt},
        {"2026-11-24T10:00:00+2:00", std::nullopt},
        {"2026-11-24T10:00:00+02", std::nullopt},
        {"2026-11-24T10:00:00+02:00:00", std::nullopt},
        {"2026-11-24T10:00:00 +02:00", std::nullopt},
        {"2026-11-24T10:00:00UTC", std::nullopt},
        {"2026-11-24T10:00:00", std::nullopt},  // no zone: ambiguous
        // Fractions: 1 to 9 digits, truncated (not rounded) to milliseconds.
        {"1970-01-01T00:00:00.1Z", 100},
        {"1970-01-01T00:00:00.12Z", 120},
        {"1970-01-01T00:00:00.123Z", 123},
        {"1970-01-01T00:00:00.1234Z", 123},
        {"1970-01-01T00:00:00.12345Z", 123},
        {"1970-01-01T00:00:00.123456Z", 123},
        {"1970-01-01T00:00:00.1234567Z", 123},
        {"1970-01-01T00:00:00.12345678Z", 123},
        {"1970-01-01T00:00:00.123456789Z", 123},
        {"1970-01-01T00:00:00.999999999Z", 999},
        {"1970-01-01T00:00:00.000000001Z", 0},
        {"1970-01-01T00:00:00.5+01:00", -3'600'000 + 500},
        {"1970-01-01T00:00:00.1234567890Z", std::nullopt},  // 10 digits
        {"1970-01-01T00:00:00.Z", std::nullopt},
        {"1970-01-01T00:00:00,5Z", std::nullopt},
        {"1970-01-01T00:00:00.5.5Z", std::nullopt},
        {"1970-01-01T00:00:00.-5Z", std::nullopt},
        // Calendar: leap years, month lengths.
        {"2024-02-29T00:00:00Z", 1'709'164'800'000},
        {"2000-02-29T00:00:00Z", 951'782'400'000},  // divisible by 400: leap
        {"1600-02-29T00:00:00Z", -11'670'998'400'000},
        {"1900-02-29T00:00:00Z", std::nullopt},  // divisible by 100, not 400: not leap
        {"2100-02-29T00:00:00Z", std::nullopt},
        {"2023-02-29T00:00:00Z", std::nullopt},
        {"2024-02-30T00:00:00Z", std::nullopt},
        {"2024-04-31T00:00:00Z", std::nullopt},
        {"2024-06-31T00:00:00Z", std::nullopt},
        {"2024-09-31T00:00:00Z", std::nullopt},
        {"2024-11-31T00:00:00Z", std::nullopt},
        {"2024-01-32T00:00:00Z", std::nullopt},
        {"2024-12-31T00:00:00Z", 1'735'603'200'000},
        {"2024-13-01T00:00:00Z", std::nullopt},
        {"2024-00-10T00:00:00Z", std::nullopt},
        {"2024-01-00T00:00:00Z", std::nullopt},
        // Clock: 00:00:00 to 23:59:59; no 24:00, no leap second.
        {"2024-01-01T23:59:59Z", 1'704'153'599'000},
        {"2024-01-01T24:00:00Z", std::nullopt},
        {"2024-01-01T23:60:00Z", std::nullopt},
        {"2024-01-01T23:59:60Z", std::nullopt},
        {"2024-01-01T99:00:00Z", std::nullopt},
        // Before 1970.
        {"1969-12-31T23:59:59.999Z", -1},
        {"1969-07-20T20:17:40Z", -14'182'940'000},
        {"1900-01-01T00:00:00Z", -2'208'988'800'000},
        {"0000-01-01T00:00:00Z", kYear0},
        {"9999-12-31T23:59:59.999Z", kYear9999End},
        // Shape.
        {"", std::nullopt},
        {"Z", std::nullopt},
        {"2026-11-24", std::nullopt},
        {"2026-11-24TZ", std::nullopt},
        {"2026-11-24T10:00Z", std::nullopt},
        {"2026-11-24 10:00:00Z", std::nullopt},
        {"2026-11-24X10:00:00Z", std::nullopt},
        {"2026-1-24T10:00:00Z", std::nullopt},
        {"26-11-24T10:00:00Z", std::nullopt},
        {"+2026-11-24T10:00:00Z", std::nullopt},
        {"-2026-11-24T10:00:00Z", std::nullopt},
        {"12026-11-24T10:00:00Z", std::nullopt},
        {"20261124T100000Z", std::nullopt},
        {"2026/11/24T10:00:00Z", std::nullopt},
        {" 2026-11-24T10:00:00Z", std::nullopt},
        {"2026-11-24T10:00:00Z ", std::nullopt},
        {"2026-11-24T10:00:00ZZ", std::nullopt},
        {"2026-11-24T10:00:00Z\n", std::nullopt},
        {"2026-11-24T1a:00:00Z", std::nullopt},
        {"２０２６-11-24T10:00:00Z", std::nullopt},  // full-width digits
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.text);
        const auto parsed = ParseRfc3339(row.text);
        if (row.expected) {
            ASSERT_TRUE(parsed.has_value());
            EXPECT_EQ(parsed->unix_ms, *row.expected);
        } else {
            EXPECT_FALSE(parsed.has_value()) << "parsed as " << parsed->unix_ms;
        }
    }
}

// A uniform-enough integer in [lo, hi] from the random port; bias does not matter here.
std::int64_t Between(Random& random, std::int64_t lo, std::int64_t hi) {
    std::uint64_t v = 0;
    random.Fill(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(&v), sizeof v));
    return lo + static_cast<std::int64_t>(v % static_cast<std::uint64_t>(hi - lo + 1));
}

TEST(Rfc3339, RoundTripsRandomInstantsFromYear0To9999) {
    ports::SeededRandom random(20261124);
    for (int i = 0; i < 20'000; ++i) {
        const TimePoint t{Between(random, kYear0, kYear9999End)};
        const std::string text = FormatRfc3339(t);
        SCOPED_TRACE(text);
        ASSERT_EQ(text.size(), 24u);
        const auto parsed = ParseRfc3339(text);
        ASSERT_TRUE(parsed.has_value());
        EXPECT_EQ(*parsed, t);
    }
}

TEST(Rfc3339, RoundTripsRandomInstantsAroundTheEpoch) {
    ports::SeededRandom random(1970);
    for (int i = 0; i < 5'000; ++i) {
        const TimePoint t{Between(random, -3 * 86'400'000LL, 3 * 86'400'000LL)};
        const auto parsed = ParseRfc3339(FormatRfc3339(t));
        ASSERT_TRUE(parsed.has_value()) << t.unix_ms;
        EXPECT_EQ(*parsed, t);
    }
}

// The same instant written in any offset's local time parses back to that instant.
TEST(Rfc3339, LocalTimeWithOffsetParsesToTheSameInstant) {
    ports::SeededRandom random(4217);
    for (int i = 0; i < 5'000; ++i) {
        const std::int64_t offset_min = Between(random, -(23 * 60 + 59), 23 * 60 + 59);
        const TimePoint t{Between(random, -2'208'988'800'000, 4'107'542'399'000)};
        std::string local = FormatRfc3339(TimePoint{t.unix_ms + offset_min * 60'000});
        char offset[8];
        std::snprintf(offset, sizeof offset, "%c%02d:%02d", offset_min < 0 ? '-' : '+',
                      static_cast<int>(std::llabs(offset_min) / 60), static_cast<int>(std::llabs(offset_min) % 60));
        local.back() = offset[0];
        local += offset + 1;
        SCOPED_TRACE(local);
        const auto parsed = ParseRfc3339(local);
        ASSERT_TRUE(parsed.has_value());
        EXPECT_EQ(*parsed, t);
    }
}

TEST(TimePoint, ComparesByTime) {
    EXPECT_LT(TimePoint{-1}, TimePoint{0});
    EXPECT_EQ(TimePoint{5}, TimePoint{5});
    EXPECT_GT(TimePoint{1'795'514'400'000}, TimePoint{951'782'400'000});
}

}  // namespace
}  // namespace rt::core
