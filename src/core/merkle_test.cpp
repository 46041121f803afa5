#include "core/merkle.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ports/system.hpp"

namespace rt::core {
namespace {

TEST(MerkleRoot, KnownShapes) {
    ports::Sha256Digest d;
    const std::vector<std::string> none;
    EXPECT_EQ(MerkleRoot(none, d), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const std::vector<std::string> one{"a"};
    // A single leaf: SHA-256(0x00 || "a").
    std::string leaf(
        "\x00"
        "a",
        2);
    EXPECT_EQ(MerkleRoot(one, d), ToHex(d.Sha256(leaf)));
}

// The roots stored in ledgers stay what they were: these were computed apart from reftrack, from the rule in
// merkle.hpp (Python's hashlib: SHA-256 of 0x00 + leaf, of 0x01 + left + right, an odd node carried up).
TEST(MerkleRoot, RootsOfSeveralLevelsMatchTheRule) {
    ports::Sha256Digest d;
    EXPECT_EQ(MerkleRoot(std::vector<std::string>{"c1", "c2", "c3", "c4", "c5"}, d),
              "4ebf81466a850fe75be8601b91fda71508a10750997fcc2ed98a540d98a1c50f");
    EXPECT_EQ(MerkleRoot(std::vector<std::string>{"c1", "c2", "c3", "c4", "c5", "c6", "c7"}, d),
              "ba3e203fbb3287ebfdfcc76d76904deae58e97ff224888fbbb77fa3ad58647fc");
}

TEST(MerkleRoot, AnyChangeToTheLeavesChangesTheRoot) {
    ports::Sha256Digest d;
    const std::vector<std::string> base{"c1", "c2", "c3", "c4", "c5"};
    const std::string root = MerkleRoot(base, d);
    const std::vector<std::vector<std::string>> variants{
        {"c1", "c2", "c3", "c4"},              // removed
        {"c1", "c2", "c3", "c4", "c5", "c6"},  // added
        {"c1", "c2", "cX", "c4", "c5"},        // edited
        {"c2", "c1", "c3", "c4", "c5"},        // reordered
        {"c1", "c2", "c3", "c4", "c5", "c5"},  // duplicated last (an odd node is carried, not doubled)
    };
    for (const auto& v : variants) EXPECT_NE(MerkleRoot(v, d), root);
    EXPECT_EQ(MerkleRoot(base, d), root);
}

TEST(MerkleRoot, InnerNodesCannotPassForLeaves) {
    ports::Sha256Digest d;
    const std::vector<std::string> pair{"a", "b"};
    // An attacker presenting the two leaf hashes concatenated as one leaf must not reach the same root.
    std::string la(
        "\x00"
        "a",
        2);
    std::string lb(
        "\x00"
        "b",
        2);
    const auto ha = d.Sha256(la);
    const auto hb = d.Sha256(lb);
    std::string forged(reinterpret_cast<const char*>(ha.data()), 32);
    forged.append(reinterpret_cast<const char*>(hb.data()), 32);
    const std::vector<std::string> fake{forged};
    EXPECT_NE(MerkleRoot(fake, d), MerkleRoot(pair, d));
}

}  // namespace
}  // namespace rt::core
