#include "core/duration_sketch.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace rt::core {
namespace {

std::int64_t Exact(std::vector<std::int64_t> values, double q) {
    std::sort(values.begin(), values.end());
    for (std::size_t i = 0; i < values.size(); ++i)
        if (static_cast<double>(i + 1) >= q * static_cast<double>(values.size())) return values[i];
    return values.back();
}

TEST(DurationSketch, QuantilesStayWithinTheRelativeErrorOnLogNormalDurations) {
    std::mt19937_64 rng(3);
    std::lognormal_distribution<double> days(2.0, 1.0);
    DurationSketch sketch;
    std::vector<std::int64_t> values;
    for (int i = 0; i < 20'000; ++i) {
        const auto s = static_cast<std::int64_t>(days(rng) * 86'400);
        values.push_back(s);
        sketch.Add(s);
    }
    for (double q : {0.01, 0.25, 0.5, 0.9, 0.99, 1.0}) {
        const auto exact = Exact(values, q);
        const auto got = *sketch.Quantile(q);
        EXPECT_LE(std::abs(static_cast<double>(got - exact)), exact * DurationSketch::kRelativeError + 1) << q;
    }
    EXPECT_EQ(sketch.total_weight(), 20'000);
}

TEST(DurationSketch, MergeEqualsAddingEverythingToOneAndSubtractUndoesIt) {
    DurationSketch a, b, both;
    for (std::int64_t s : {0, 1, 5, 3600, 86'400, 90 * 86'400}) {
        a.Add(s, 2);
        both.Add(s, 2);
    }
    for (std::int64_t s : {7, 3600, 1'000'000}) {
        b.Add(s, 500'000);
        both.Add(s, 500'000);
    }
    DurationSketch merged = a;
    merged.Merge(b);
    EXPECT_EQ(merged, both);
    merged.Subtract(b);
    EXPECT_EQ(merged, a);
    merged.Subtract(a);
    EXPECT_TRUE(merged.empty());
}

TEST(DurationSketch, WeightsShapeTheQuantile) {
    DurationSketch s;
    s.Add(100, 1);
    s.Add(10'000, 3);
    EXPECT_NEAR(static_cast<double>(*s.Quantile(0.25)), 100, 1);
    EXPECT_NEAR(static_cast<double>(*s.Quantile(0.5)), 10'000, 100);
    EXPECT_FALSE(DurationSketch().Quantile(0.5));
    s.Add(-5);  // a negative duration counts as zero
    EXPECT_EQ(*s.Quantile(0), 0);
}

TEST(DurationSketch, EncodesAndDecodesExactlyAndRefusesGarbage) {
    DurationSketch s;
    s.Add(0, 3);
    s.Add(42, 1);
    s.Add(86'400, 250'000);
    const auto text = s.Encode();
    auto back = DurationSketch::Decode(text);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, s);
    EXPECT_EQ(DurationSketch::Decode("")->total_weight(), 0);
    for (const char* bad : {"1", "1:", ":1", "1:2;", "2:1;1:1", "1:1;1:1", "x:1", "1:0", "-1:4", "1:2 "})
        EXPECT_FALSE(DurationSketch::Decode(bad)) << bad;
}

}  // namespace
}  // namespace rt::core
