#include "core/random.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "ports/fakes.hpp"

namespace rt::core {
namespace {

constexpr std::uint32_t kMax = std::numeric_limits<std::uint32_t>::max();

// Hands out the given 32-bit words in order (in the machine's byte order, as Uniform reads them).
class ScriptedRandom final : public Random {
  public:
    explicit ScriptedRandom(std::vector<std::uint32_t> words) : words_(std::move(words)) {}
    void Fill(std::span<std::uint8_t> out) override {
        ASSERT_EQ(out.size(), sizeof(std::uint32_t));
        ASSERT_LT(next_, words_.size()) << "more draws than scripted";
        std::memcpy(out.data(), &words_[next_++], sizeof(std::uint32_t));
    }
    std::size_t draws() const { return next_; }

  private:
    std::vector<std::uint32_t> words_;
    std::size_t next_ = 0;
};

TEST(RandomUniform, StaysInRange) {
    ports::SeededRandom random(1);
    const std::uint32_t bounds[] = {1, 2, 3, 7, 31, 32, 100, 1000, 65'537, 1u << 31, (1u << 31) + 1, kMax - 1, kMax};
    for (const auto bound : bounds) {
        SCOPED_TRACE(bound);
        for (int i = 0; i < 2'000; ++i) ASSERT_LT(random.Uniform(bound), bound);
    }
}

TEST(RandomUniform, HitsEveryValueOfASmallBound) {
    ports::SeededRandom random(2);
    for (const std::uint32_t bound : {1u, 2u, 3u, 7u, 10u, 31u, 32u}) {
        SCOPED_TRACE(bound);
        std::vector<int> counts(bound, 0);
        for (int i = 0; i < 10'000; ++i) ++counts[random.Uniform(bound)];
        for (std::uint32_t v = 0; v < bound; ++v) EXPECT_GT(counts[v], 0) << "never drew " << v;
    }
}

// With a fixed seed this is deterministic; the tolerance is ~8 standard deviations.
TEST(RandomUniform, IsRoughlyUniform) {
    ports::SeededRandom random(3);
    constexpr int kDraws = 100'000;
    constexpr std::uint32_t kBound = 10;
    std::vector<int> counts(kBound, 0);
    for (int i = 0; i < kDraws; ++i) ++counts[random.Uniform(kBound)];
    for (std::uint32_t v = 0; v < kBound; ++v) {
        EXPECT_NEAR(counts[v], kDraws / kBound, 800) << v;
    }
}

// Draws from the incomplete top range are dropped, and the next draw is used: no modulo bias.
TEST(RandomUniform, RejectsDrawsFromTheIncompleteTopRange) {
    struct Row {
        std::uint32_t bound;
        std::vector<std::uint32_t> words;
        std::uint32_t expected;
        std::size_t draws;
    };
    const Row rows[] = {
        {3, {5}, 2, 1},
        {3, {kMax, 5}, 2, 2},      // 2^32-1 is divisible by 3: kMax itself is the incomplete range
        {3, {kMax - 1, 0}, 2, 1},  // the last value of a complete range
        {10, {kMax, kMax - 5, 4'294'967'289u, 12}, 9, 3},
        {10, {kMax - 5, 42}, 2, 2},  // 4294967290..4294967295 would favour 0..5
        {1u << 31, {kMax, 7}, 7, 2},
        {1, {0}, 0, 1},
        {1, {kMax, 123}, 0, 2},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.bound);
        ScriptedRandom random(row.words);
        EXPECT_EQ(random.Uniform(row.bound), row.expected);
        EXPECT_EQ(random.draws(), row.draws);
    }
}

TEST(RandomUniform, IsDeterministicForASeed) {
    ports::SeededRandom a(9);
    ports::SeededRandom b(9);
    for (int i = 0; i < 1'000; ++i) ASSERT_EQ(a.Uniform(1'000'003), b.Uniform(1'000'003));
}

}  // namespace
}  // namespace rt::core
