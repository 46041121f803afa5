#include "core/event.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "ports/fakes.hpp"
#include "ports/system.hpp"

namespace rt::core {
namespace {

class EventChainTest : public ::testing::Test {
  protected:
    // A chain of n events of one program, as the ledger writes them.
    std::vector<Event> MakeChain(int n) {
        std::vector<Event> chain;
        for (int i = 0; i < n; ++i) {
            Event e;
            e.id = EventId::Generate({1'795'000'000'000 + i}, random_);
            e.program_id = program_;
            e.type = "link.updated";
            e.subject_id = "lnk_" + std::to_string(i);
            e.at = {1'795'000'000'000 + i};
            e.payload = {{"status", i % 2 ? "active" : "disabled"}, {"campaign", "spring"}};
            Chain(e, chain.empty() ? nullptr : &chain.back(), digest_);
            chain.push_back(e);
        }
        return chain;
    }

    ports::SeededRandom random_{3};
    ports::Sha256Digest digest_;
    ProgramId program_ = ProgramId::Generate({1'795'000'000'000}, random_);
};

TEST_F(EventChainTest, DigestIsSha256) {
    EXPECT_EQ(ToHex(digest_.Sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // FIPS 180-2's other vectors: the empty message, two blocks, and a million 'a's (many blocks).
    EXPECT_EQ(ToHex(digest_.Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(ToHex(digest_.Sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(ToHex(digest_.Sha256(std::string(1'000'000, 'a'))),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// A digest that only knows whole inputs: Digest's own Sha256Joined joins the parts for it.
class WholeInputsOnly final : public Digest {
  public:
    std::array<std::uint8_t, 32> Sha256(std::string_view data) override { return real_.Sha256(data); }

  private:
    ports::Sha256Digest real_;
};

TEST(Digest, Sha256JoinedIsTheDigestOfBothPartsOneAfterTheOther) {
    ports::Sha256Digest parts;
    WholeInputsOnly joined;
    const std::string first("\x00", 1);
    const std::string second(300, 'c');
    EXPECT_EQ(parts.Sha256Joined(first, second), parts.Sha256(first + second));
    EXPECT_EQ(joined.Sha256Joined(first, second), parts.Sha256(first + second));
    EXPECT_EQ(parts.Sha256Joined("", ""), parts.Sha256(""));
}

TEST_F(EventChainTest, AWellFormedChainVerifies) {
    const auto chain = MakeChain(5);
    EXPECT_EQ(chain[0].seq, 1);
    EXPECT_EQ(chain[0].prev_hash, kGenesisHash);
    EXPECT_EQ(chain[4].seq, 5);
    EXPECT_EQ(chain[3].prev_hash, chain[2].hash);
    EXPECT_FALSE(VerifyChain(chain, digest_));
    EXPECT_FALSE(VerifyChain(std::span<const Event>(), digest_));
}

struct Tamper {
    const char* name;
    void (*apply)(std::vector<Event>&, Digest&);
    std::int64_t broken_seq;
};

const Tamper kTampers[] = {
    {"edited payload", [](std::vector<Event>& c, Digest&) { c[2].payload[0].second = "edited"; }, 3},
    {"edited time", [](std::vector<Event>& c, Digest&) { c[1].at.unix_ms += 1; }, 2},
    {"edited type", [](std::vector<Event>& c, Digest&) { c[4].type = "link.created"; }, 5},
    {"deleted event", [](std::vector<Event>& c, Digest&) { c.erase(c.begin() + 1); }, 2},
    {"deleted first", [](std::vector<Event>& c, Digest&) { c.erase(c.begin()); }, 1},
    {"swapped events", [](std::vector<Event>& c, Digest&) { std::swap(c[1], c[2]); }, 2},
    {"edited and rehashed",
     [](std::vector<Event>& c, Digest& d) {
         c[2].payload[0].second = "forged";
         c[2].hash = ToHex(d.Sha256(CanonicalForm(c[2])));
     },
     4},
    {"renumbered after a deletion",
     [](std::vector<Event>& c, Digest&) {
         c.erase(c.begin() + 2);
         for (std::size_t i = 2; i < c.size(); ++i) c[i].seq -= 1;
     },
     3},
    {"added payload member",
     [](std::vector<Event>& c, Digest&) {
         c[0].payload.push_back({"extra", "x"});
     },
     1},
};

TEST_F(EventChainTest, EveryTamperingIsFoundAtTheFirstBrokenEvent) {
    for (const auto& t : kTampers) {
        auto chain = MakeChain(5);
        t.apply(chain, digest_);
        const auto broken = VerifyChain(chain, digest_);
        ASSERT_TRUE(broken) << t.name;
        EXPECT_EQ(broken->seq, t.broken_seq) << t.name << ": " << broken->reason;
        EXPECT_FALSE(broken->reason.empty());
    }
}

TEST_F(EventChainTest, CanonicalFormIsUnambiguousAndOrderFree) {
    Event a = MakeChain(1)[0];
    Event b = a;
    a.payload = {{"a", "b\n1:c"}};
    b.payload = {{"a", "b"}, {"c", ""}};
    EXPECT_NE(CanonicalForm(a), CanonicalForm(b));
    Event c = a;
    Event d = a;
    c.payload = {{"x", "1"}, {"y", "2"}};
    d.payload = {{"y", "2"}, {"x", "1"}};
    EXPECT_EQ(CanonicalForm(c), CanonicalForm(d));
    EXPECT_TRUE(CanonicalForm(c).starts_with("reftrack-event-v1\n"));
}

// The bytes every stored hash was made of: a change here breaks the verification of every existing ledger.
TEST_F(EventChainTest, CanonicalFormIsTheV1BytesExactly) {
    Event e;
    e.id = EventId::FromTrusted("evt_01jd0000000000000000000000");
    e.program_id = ProgramId::FromTrusted("prg_01jd0000000000000000000001");
    e.seq = 42;
    e.type = "conversion.recorded";
    e.subject_id = "cnv_x";
    e.at = {1'795'000'000'123};
    e.payload = {{"z", "last"}, {"amount", "1000"}, {"", ""}, {"note", "a\nb:c"}};
    e.prev_hash = std::string(64, 'f');
    e.hash = "not part of it";
    const std::string want =
        "reftrack-event-v1\n"
        "64:" +
        std::string(64, 'f') +
        "\n"
        "2:42\n"
        "30:evt_01jd0000000000000000000000\n"
        "30:prg_01jd0000000000000000000001\n"
        "19:conversion.recorded\n"
        "5:cnv_x\n"
        "13:1795000000123\n"
        "1:4\n"
        "0:\n0:\n"
        "6:amount\n4:1000\n"
        "4:note\n5:a\nb:c\n"
        "1:z\n4:last\n";
    EXPECT_EQ(CanonicalForm(e), want);
    std::sort(e.payload.begin(), e.payload.end());
    EXPECT_EQ(CanonicalForm(e), want) << "sorted already";
}

}  // namespace
}  // namespace rt::core
