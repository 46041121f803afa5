#include "core/user.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "ports/fakes.hpp"
#include "ports/system.hpp"

namespace rt::core {
namespace {

const UserId kId = UserId::FromTrusted("usr_01jd0000000000000000000000");
constexpr TimePoint kNow{1'795'000'000'000};
const std::string kPartner = "prt_01jd0000000000000000000000";

struct UserCase {
    const char* name;
    UserFields fields;
    std::set<std::string> bad_fields;  // empty: valid
};

TEST(NewUser, Table) {
    const UserCase cases[] = {
        {"admin", {.email = "ada@example.com", .role = "admin"}, {}},
        {"partner", {.email = "bob@example.com", .role = "partner", .partner_id = kPartner}, {}},
        {"nothing", {}, {"email", "role"}},
        {"bad email", {.email = "ada@", .role = "admin"}, {"email"}},
        {"unknown role", {.email = "ada@example.com", .role = "owner"}, {"role"}},
        {"partner without partner", {.email = "ada@example.com", .role = "partner"}, {"partner_id"}},
        {"partner with a link id",
         {.email = "ada@example.com", .role = "partner", .partner_id = "lnk_x"},
         {"partner_id"}},
        {"admin with a partner", {.email = "ada@example.com", .role = "admin", .partner_id = kPartner}, {"partner_id"}},
    };
    for (const auto& c : cases) {
        auto user = NewUser(c.fields, kId, kNow);
        if (c.bad_fields.empty()) {
            EXPECT_TRUE(user) << c.name << ": " << user.error().message();
            continue;
        }
        ASSERT_FALSE(user) << c.name;
        EXPECT_EQ(user.error().code(), ErrorCode::kInvalid) << c.name;
        std::set<std::string> named;
        for (const auto& f : user.error().fields()) named.insert(f.field);
        EXPECT_EQ(named, c.bad_fields) << c.name;
    }
}

TEST(NewUser, NormalizesTheEmailAndSetsNoPassword) {
    auto user = NewUser({.email = "  Ada@Example.COM ", .role = "partner", .partner_id = kPartner}, kId, kNow);
    ASSERT_TRUE(user) << user.error().message();
    EXPECT_EQ(user->email, "ada@example.com");
    EXPECT_EQ(user->role, UserRole::kPartner);
    EXPECT_EQ(user->partner_id->str(), kPartner);
    EXPECT_TRUE(user->password_hash.empty());
    EXPECT_EQ(user->status, UserStatus::kActive);
    EXPECT_EQ(user->created_at, kNow);
    EXPECT_EQ(user->updated_at, kNow);
}

TEST(CheckPassword, LengthInCharactersAndBytes) {
    struct Case {
        std::string password;
        bool ok;
    };
    const Case cases[] = {
        {"", false},
        {"123456789", false},
        {"1234567890", true},
        {"correct horse battery staple", true},
        {"äöüäöüäöüä", true},  // 10 characters, 20 bytes
        {"äöüäöüäöü", false},  // 9 characters
        {std::string(128, 'x'), true},
        {std::string(129, 'x'), false},
        {std::string(64, 'x') + std::string(32, '\xC3'), false},  // not UTF-8
    };
    for (const auto& c : cases) {
        auto checked = CheckPassword(c.password);
        EXPECT_EQ(static_cast<bool>(checked), c.ok) << c.password.size() << " bytes";
        if (!checked) {
            EXPECT_EQ(checked.error().code(), ErrorCode::kInvalid);
            ASSERT_EQ(checked.error().fields().size(), 1U);
            EXPECT_EQ(checked.error().fields()[0].field, "password");
        }
    }
}

TEST(UserEnums, RoundTrip) {
    for (auto role : {UserRole::kAdmin, UserRole::kPartner}) EXPECT_EQ(ParseUserRole(ToString(role)), role);
    for (auto status : {UserStatus::kActive, UserStatus::kDisabled}) {
        EXPECT_EQ(ParseUserStatus(ToString(status)), status);
    }
    EXPECT_FALSE(ParseUserRole("Admin"));
    EXPECT_FALSE(ParseUserStatus("invited"));
}

TEST(Invite, UsableUntilUsedOrExpired) {
    Invite invite{.token_hash = "h", .user_id = kId, .created_at = kNow, .expires_at = {kNow.unix_ms + 1000}};
    EXPECT_TRUE(IsUsable(invite, kNow));
    EXPECT_TRUE(IsUsable(invite, {kNow.unix_ms + 999}));
    EXPECT_FALSE(IsUsable(invite, {kNow.unix_ms + 1000}));
    invite.used_at = kNow;
    EXPECT_FALSE(IsUsable(invite, kNow));
}

TEST(Session, EndsAtTheEarlierOfIdleAndAbsoluteExpiry) {
    Session s{.token_hash = "h",
              .user_id = kId,
              .csrf_token = "c",
              .created_at = kNow,
              .last_seen_at = kNow,
              .expires_at = {kNow.unix_ms + Session::kLifetimeMs}};
    constexpr std::int64_t kIdle = 43'200'000;
    EXPECT_EQ(SessionEnd(s, kIdle).unix_ms, kNow.unix_ms + kIdle);
    EXPECT_FALSE(IsExpired(s, {kNow.unix_ms + kIdle - 1}, kIdle));
    EXPECT_TRUE(IsExpired(s, {kNow.unix_ms + kIdle}, kIdle));
    s.last_seen_at = {s.expires_at.unix_ms - 10};
    EXPECT_EQ(SessionEnd(s, kIdle), s.expires_at);
    EXPECT_TRUE(IsExpired(s, s.expires_at, kIdle));
}

TEST(Session, TouchesAtMostOnceAMinuteOrHalfTheIdleTimeout) {
    const Session s{.last_seen_at = kNow};
    EXPECT_FALSE(ShouldTouch(s, {kNow.unix_ms + 59'999}, 43'200'000));
    EXPECT_TRUE(ShouldTouch(s, {kNow.unix_ms + 60'000}, 43'200'000));
    EXPECT_FALSE(ShouldTouch(s, {kNow.unix_ms + 999}, 2'000));
    EXPECT_TRUE(ShouldTouch(s, {kNow.unix_ms + 1'000}, 2'000));
}

TEST(SecretToken, Is43Base64UrlCharactersAndDiffersEachTime) {
    ports::SeededRandom random(3);
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        const std::string token = NewSecretToken(random);
        EXPECT_EQ(token.size(), 43U);
        EXPECT_TRUE(IsSecretToken(token)) << token;
        seen.insert(token);
    }
    EXPECT_EQ(seen.size(), 100U);
    EXPECT_FALSE(IsSecretToken(""));
    EXPECT_FALSE(IsSecretToken(std::string(43, '=')));
    EXPECT_FALSE(IsSecretToken(std::string(44, 'a')));
}

TEST(SecretToken, EncodesBytesAsBase64Url) {
    // 32 bytes of 0xFF: 42 full sextets of '_' and a last one of the 4 remaining bits, padded with zero bits.
    class Ones final : public Random {
      public:
        void Fill(std::span<std::uint8_t> out) override {
            for (auto& b : out) b = 0xFF;
        }
    } ones;
    EXPECT_EQ(NewSecretToken(ones), std::string(42, '_') + "8");
}

TEST(SecretToken, HashIsHexSha256) {
    ports::Sha256Digest digest;
    EXPECT_EQ(HashToken("abc", digest), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ConstantTimeEquals, ComparesWholeStrings) {
    EXPECT_TRUE(ConstantTimeEquals("", ""));
    EXPECT_TRUE(ConstantTimeEquals("token", "token"));
    EXPECT_FALSE(ConstantTimeEquals("token", "tokem"));
    EXPECT_FALSE(ConstantTimeEquals("token", "token2"));
    EXPECT_FALSE(ConstantTimeEquals("token", ""));
    EXPECT_FALSE(ConstantTimeEquals(std::string_view("a\0", 2), "a"));
}

}  // namespace
}  // namespace rt::core
