#include "ports/sodium_vault.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "ports/system.hpp"
#include "support/temp_dir.hpp"

namespace rt::ports {
namespace {

class SodiumVaultTest : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(InitSodium()); }
    std::filesystem::path key_file() const { return dir_.path() / "keys" / "reftrack.key"; }
    rt::testing::TempDir dir_;
};

TEST_F(SodiumVaultTest, CreatesAPrivateKeyFileAndHashesStablyAcrossReopens) {
    auto first = SodiumVault::OpenOrCreate(key_file());
    ASSERT_TRUE(first) << first.error().message();
    struct stat st {};
    ASSERT_EQ(stat(key_file().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(st.st_size, 32);
    const std::string hash = (*first)->KeyedHash("ip", "203.0.113.7");
    EXPECT_EQ(hash.size(), 64u);
    auto second = SodiumVault::OpenOrCreate(key_file());
    ASSERT_TRUE(second);
    EXPECT_EQ((*second)->KeyedHash("ip", "203.0.113.7"), hash);
    EXPECT_NE((*second)->KeyedHash("email", "203.0.113.7"), hash);
    EXPECT_NE((*second)->KeyedHash("i", "p203.0.113.7"), hash);
}

TEST_F(SodiumVaultTest, AnotherKeyGivesOtherHashesAndCannotDecrypt) {
    auto a = SodiumVault::OpenOrCreate(key_file());
    auto b = SodiumVault::OpenOrCreate(dir_.path() / "other.key");
    ASSERT_TRUE(a && b);
    EXPECT_NE((*a)->KeyedHash("ip", "x"), (*b)->KeyedHash("ip", "x"));
    EXPECT_FALSE((*b)->Decrypt((*a)->Encrypt("ada@example.com")));
}

TEST_F(SodiumVaultTest, EncryptsWithFreshNoncesAndDetectsTampering) {
    auto vault = SodiumVault::OpenOrCreate(key_file());
    ASSERT_TRUE(vault);
    const std::string a = (*vault)->Encrypt("ada@example.com");
    const std::string b = (*vault)->Encrypt("ada@example.com");
    EXPECT_NE(a, b);
    EXPECT_EQ(a.find("ada"), std::string::npos);
    EXPECT_EQ((*vault)->Decrypt(a), "ada@example.com");
    EXPECT_EQ((*vault)->Decrypt((*vault)->Encrypt("")), "");
    std::string tampered = a;
    tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
    EXPECT_FALSE((*vault)->Decrypt(tampered));
    EXPECT_FALSE((*vault)->Decrypt("not base64!"));
    EXPECT_FALSE((*vault)->Decrypt(""));
}

TEST_F(SodiumVaultTest, RefusesAKeyFileOthersCanReadOrOfTheWrongSize) {
    ASSERT_TRUE(SodiumVault::OpenOrCreate(key_file()));
    chmod(key_file().c_str(), 0644);
    auto loose = SodiumVault::OpenOrCreate(key_file());
    ASSERT_FALSE(loose);
    EXPECT_EQ(loose.error().code(), core::ErrorCode::kInvalid);

    const auto short_file = dir_.path() / "short.key";
    std::ofstream(short_file) << "too short";
    chmod(short_file.c_str(), 0600);
    auto wrong = SodiumVault::OpenOrCreate(short_file);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code(), core::ErrorCode::kInvalid);
}

}  // namespace
}  // namespace rt::ports
