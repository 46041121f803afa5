#include "core/ids.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ports/fakes.hpp"

namespace rt::core {
namespace {

constexpr std::string_view kIdAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";

// Every byte it hands out is `byte`: makes the random part of an id predictable.
class ConstantRandom final : public Random {
  public:
    explicit ConstantRandom(std::uint8_t byte) : byte_(byte) {}
    void Fill(std::span<std::uint8_t> out) override { std::fill(out.begin(), out.end(), byte_); }

  private:
    std::uint8_t byte_;
};

template <class IdType>
void ExpectWellFormed(const IdType& id, std::string_view prefix) {
    ASSERT_TRUE(id.str().starts_with(prefix)) << id.str();
    ASSERT_EQ(id.str().size(), prefix.size() + 26) << id.str();
    const std::string_view body = std::string_view(id.str()).substr(prefix.size());
    EXPECT_TRUE(std::all_of(body.begin(), body.end(), [](char c) { return kIdAlphabet.find(c) != std::string::npos; }))
        << id.str();
    EXPECT_TRUE(IsIdBody(body)) << id.str();
    const auto parsed = IdType::Parse(id.str());
    ASSERT_TRUE(parsed.has_value()) << id.str();
    EXPECT_EQ(*parsed, id);
}

TEST(Id, GeneratesPrefixedBodiesOf26CharactersThatParseBack) {
    ports::SeededRandom random(7);
    const TimePoint now{1'795'514'400'000};
    for (int i = 0; i < 200; ++i) {
        ExpectWellFormed(ProgramId::Generate(now, random), "prg_");
        ExpectWellFormed(PartnerId::Generate(now, random), "prt_");
        ExpectWellFormed(LinkId::Generate(now, random), "lnk_");
        ExpectWellFormed(ApiKeyId::Generate(now, random), "key_");
    }
}

TEST(Id, GeneratedIdsAreDistinctAtTheSameInstant) {
    ports::SeededRandom random(11);
    std::unordered_set<PartnerId> seen;
    for (int i = 0; i < 10'000; ++i) EXPECT_TRUE(seen.insert(PartnerId::Generate(TimePoint{0}, random)).second);
}

// Known bodies: 2 zero bits, 48 bits of milliseconds, 80 random bits, Crockford base32 lower-case. The
// time part is the ULID encoding (ULID's own example: 1469918176385 → "01ARYZ6S41").
TEST(NewIdBody, EncodesTimeThenRandomness) {
    struct Row {
        std::int64_t unix_ms;
        std::uint8_t random_byte;
        const char* expected;
    };
    const Row rows[] = {
        {0, 0x00, "00000000000000000000000000"},
        {0, 0xff, "0000000000zzzzzzzzzzzzzzzz"},
        {1, 0x00, "00000000010000000000000000"},
        {32, 0x00, "00000000100000000000000000"},
        {1'469'918'176'385, 0x00, "01aryz6s410000000000000000"},
        {(std::int64_t{1} << 48) - 1, 0x00, "7zzzzzzzzz0000000000000000"},
        {(std::int64_t{1} << 48) - 1, 0xff, "7zzzzzzzzzzzzzzzzzzzzzzzzz"},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.expected);
        ConstantRandom random(row.random_byte);
        EXPECT_EQ(NewIdBody(TimePoint{row.unix_ms}, random), row.expected);
    }
}

// Randomness 0x01, 0x02, … 0x0a: every character takes bits from two bytes somewhere, so a shift that is off
// by one shows (the expected body was computed apart, in Python, from the layout above).
TEST(NewIdBody, EncodesMixedBitsInOrder) {
    class CountingRandom final : public Random {
      public:
        void Fill(std::span<std::uint8_t> out) override {
            for (auto& b : out) b = ++next_;
        }

      private:
        std::uint8_t next_ = 0;
    } random;
    EXPECT_EQ(NewIdBody(TimePoint{1'469'918'176'385}, random), "01aryz6s41041061050r3gg28a");
}

#if defined(__GLIBCXX__)
// See the comment on std::hash<Id>: the containers must keep each node's hash code.
static_assert(std::__cache_default<LinkId, std::hash<LinkId>>::value,
              "libstdc++ no longer stores Id hash codes in unordered containers");
#endif

TEST(Id, ParseRefusesMalformedIds) {
    const std::string body = "01jd8x3k5m7n9p1q2r3s4t5v6w";
    ASSERT_TRUE(IsIdBody(body));
    ASSERT_TRUE(ProgramId::Parse("prg_" + body).has_value());

    struct Row {
        std::string text;
        const char* why;
    };
    const Row rows[] = {
        {"", "empty"},
        {"prg_", "prefix only"},
        {body, "no prefix"},
        {"prt_" + body, "a partner id is not a program id"},
        {"lnk_" + body, "a link id is not a program id"},
        {"PRG_" + body, "upper-case prefix"},
        {"prg" + body, "prefix without underscore"},
        {"prg-" + body, "wrong separator"},
        {"prg__" + body, "doubled separator"},
        {"prg_" + body.substr(1), "25 characters"},
        {"prg_" + body + "0", "27 characters"},
        {"prg_" + body.substr(0, 25) + "U", "upper-case character"},
        {"prg_01JD8X3K5M7N9P1Q2R3S4T5V6W", "upper-case body"},
        {"prg_" + body.substr(0, 25) + "i", "i is not in Crockford base32"},
        {"prg_" + body.substr(0, 25) + "l", "l is not in Crockford base32"},
        {"prg_" + body.substr(0, 25) + "o", "o is not in Crockford base32"},
        {"prg_" + body.substr(0, 25) + "u", "u is not in Crockford base32"},
        {"prg_" + body.substr(0, 25) + "-", "punctuation"},
        {"prg_" + body.substr(0, 25) + " ", "trailing space"},
        {" prg_" + body, "leading space"},
        {"prg_" + body + "\n", "trailing newline"},
        {"prg_" + std::string(1, '\0') + body.substr(1), "NUL"},
        {"prg_8" + body.substr(1), "first character 8: more than 48 bits of time"},
        {"prg_9" + body.substr(1), "first character 9"},
        {"prg_z" + body.substr(1), "first character z"},
        {"prg_zzzzzzzzzzzzzzzzzzzzzzzzzz", "all z"},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.why);
        EXPECT_FALSE(ProgramId::Parse(row.text).has_value()) << row.text;
    }
}

TEST(IsIdBody, AcceptsEveryFirstCharacterBelow8) {
    const std::string tail(25, 'z');
    for (std::size_t i = 0; i < kIdAlphabet.size(); ++i) {
        const std::string body = std::string(1, kIdAlphabet[i]) + tail;
        EXPECT_EQ(IsIdBody(body), i < 8) << body;
    }
}

// Ids sort by creation time as plain strings, whatever their random part, across the whole 48-bit range.
TEST(Id, IdsGeneratedAtIncreasingTimesSortInTimeOrder) {
    ports::SeededRandom random(3);
    std::vector<std::int64_t> times = {0, 1, 2, 31, 32, 33, 1023, 1024, 1'000'000, 951'782'400'000};
    for (std::int64_t t = 1'795'514'400'000; t < 1'795'514'400'000 + 2'000; ++t) times.push_back(t);
    for (int shift = 41; shift < 48; ++shift) {
        times.push_back((std::int64_t{1} << shift) - 1);
        times.push_back(std::int64_t{1} << shift);
    }
    times.push_back((std::int64_t{1} << 48) - 1);
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());

    std::vector<std::string> ids;
    for (const auto t : times) ids.push_back(LinkId::Generate(TimePoint{t}, random).str());
    for (std::size_t i = 1; i < ids.size(); ++i) {
        EXPECT_LT(ids[i - 1], ids[i]) << "t=" << times[i - 1] << " and t=" << times[i];
    }
}

TEST(Id, DefaultIsEmptyAndFromTrustedKeepsText) {
    EXPECT_TRUE(ProgramId().empty());
    EXPECT_EQ(ProgramId::FromTrusted("prg_x").str(), "prg_x");
    EXPECT_FALSE(ProgramId::FromTrusted("prg_x").empty());
}

}  // namespace
}  // namespace rt::core
