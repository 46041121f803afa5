// The storage conformance suite: users, invites and sessions (the people who log in).

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "storage/store_conformance.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage::testing {
namespace {

using core::ErrorCode;

void ExpectError(const core::Result<void>& result, ErrorCode code, std::string_view message) {
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code(), code) << result.error().message();
    EXPECT_EQ(result.error().message(), message);
}

std::string Describe(const core::User& u) {
    std::ostringstream out;
    out << "id=" << u.id.str() << " email=" << u.email << " role=" << core::ToString(u.role)
        << " partner=" << (u.partner_id ? u.partner_id->str() : "-") << " hash=" << u.password_hash
        << " status=" << core::ToString(u.status) << " created=" << u.created_at.unix_ms
        << " updated=" << u.updated_at.unix_ms;
    return out.str();
}

std::string Describe(const core::Invite& i) {
    std::ostringstream out;
    out << "hash=" << i.token_hash << " user=" << i.user_id.str() << " created=" << i.created_at.unix_ms
        << " expires=" << i.expires_at.unix_ms << " used=" << (i.used_at ? std::to_string(i.used_at->unix_ms) : "-");
    return out.str();
}

std::string Describe(const core::Session& s) {
    std::ostringstream out;
    out << "hash=" << s.token_hash << " user=" << s.user_id.str() << " csrf=" << s.csrf_token
        << " created=" << s.created_at.unix_ms << " seen=" << s.last_seen_at.unix_ms
        << " expires=" << s.expires_at.unix_ms;
    return out.str();
}

// A user with every field set to a value other than its default; `tag` makes the email unique.
core::User UserOf(core::UserId id, const std::string& tag, std::optional<core::PartnerId> partner = {}) {
    core::User u;
    u.id = std::move(id);
    u.email = "user-" + tag + "@example.com";
    u.role = partner ? core::UserRole::kPartner : core::UserRole::kAdmin;
    u.partner_id = std::move(partner);
    u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$" + tag;
    u.status = core::UserStatus::kDisabled;
    u.created_at = {1'795'000'000'111};
    u.updated_at = {1'795'000'000'222};
    return u;
}

core::Invite InviteOf(const core::User& user, const std::string& tag) {
    return {.token_hash = std::string(58, 'a') + "invite" + tag,
            .user_id = user.id,
            .created_at = {1'795'000'000'333},
            .expires_at = {1'795'000'000'333 + core::Invite::kLifetimeMs}};
}

core::Session SessionOf(const core::User& user, const std::string& tag, core::TimePoint last_seen,
                        core::TimePoint expires) {
    return {.token_hash = std::string(57, 'b') + "session" + tag,
            .user_id = user.id,
            .csrf_token = "csrf-" + tag,
            .created_at = {last_seen.unix_ms - 10},
            .last_seen_at = last_seen,
            .expires_at = expires};
}

TEST_P(StoreConformanceTest, UserRoundTripsEveryFieldAndIsFoundByEmail) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    InsertChain(program, partner, MakeLink(partner));
    const auto admin = UserOf(NextId<core::UserId>(), "1");
    auto invited = UserOf(NextId<core::UserId>(), "2", partner.id);
    invited.password_hash.clear();
    invited.status = core::UserStatus::kActive;
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertUser(admin); !ok) return ok;
        return tx.InsertUser(invited);
    }));

    for (const auto& want : {admin, invited}) {
        auto got = Read([&](ports::StoreTx& tx) { return tx.GetUser(want.id); });
        ASSERT_TRUE(got) << got.error().message();
        EXPECT_EQ(Describe(*got), Describe(want));
        auto found = Read([&](ports::StoreTx& tx) { return tx.FindUserByEmail(want.email); });
        ASSERT_TRUE(found) << found.error().message();
        ASSERT_TRUE(found->has_value());
        EXPECT_EQ(Describe(**found), Describe(want));
    }
    auto none = Read([&](ports::StoreTx& tx) { return tx.FindUserByEmail("nobody@example.com"); });
    ASSERT_TRUE(none) << none.error().message();
    EXPECT_FALSE(none->has_value());
    auto missing = Read([&](ports::StoreTx& tx) { return tx.GetUser(NextId<core::UserId>()); });
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
    EXPECT_EQ(missing.error().message(), kUserNotFound);
}

TEST_P(StoreConformanceTest, UserIdAndEmailAreUniqueAndAPartnerUserNeedsItsPartner) {
    const auto user = UserOf(NextId<core::UserId>(), "1");
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertUser(user); }));

    auto same_id = UserOf(user.id, "2");
    ExpectError(Write([&](ports::StoreTx& tx) { return tx.InsertUser(same_id); }), ErrorCode::kConflict, kUserIdTaken);
    auto same_email = UserOf(NextId<core::UserId>(), "1");
    ExpectError(Write([&](ports::StoreTx& tx) { return tx.InsertUser(same_email); }), ErrorCode::kConflict,
                kUserEmailTaken);
    auto orphan = UserOf(NextId<core::UserId>(), "3", NextId<core::PartnerId>());
    ExpectError(Write([&](ports::StoreTx& tx) { return tx.InsertUser(orphan); }), ErrorCode::kNotFound,
                kUserPartnerMissing);
    auto page = Read([&](ports::StoreTx& tx) { return tx.ListUsers({}); });
    ASSERT_TRUE(page) << page.error().message();
    EXPECT_EQ(Ids(*page), std::vector<std::string>{user.id.str()});
}

TEST_P(StoreConformanceTest, UpdateUserChangesPasswordStatusAndUpdatedAtOnly) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    InsertChain(program, partner, MakeLink(partner));
    const auto original = UserOf(NextId<core::UserId>(), "1");
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertUser(original); }));

    auto changed = UserOf(original.id, "2", partner.id);
    changed.password_hash = "$argon2id$new";
    changed.status = core::UserStatus::kActive;
    changed.created_at = {1};
    changed.updated_at = {1'795'000'999'999};
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.UpdateUser(changed); }));

    auto want = original;
    want.password_hash = changed.password_hash;
    want.status = changed.status;
    want.updated_at = changed.updated_at;
    auto got = Read([&](ports::StoreTx& tx) { return tx.GetUser(original.id); });
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(Describe(*got), Describe(want));
    ExpectError(Write([&](ports::StoreTx& tx) { return tx.UpdateUser(UserOf(NextId<core::UserId>(), "3")); }),
                ErrorCode::kNotFound, kUserNotFound);
}

TEST_P(StoreConformanceTest, UsersListNewestFirstInPages) {
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        const auto user = UserOf(NextId<core::UserId>(), std::to_string(i));
        ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertUser(user); }));
        ids.insert(ids.begin(), user.id.str());
    }
    auto first = Read([&](ports::StoreTx& tx) { return tx.ListUsers({2, ""}); });
    ASSERT_TRUE(first) << first.error().message();
    EXPECT_EQ(Ids(*first), (std::vector<std::string>{ids[0], ids[1]}));
    EXPECT_TRUE(first->has_more);
    auto last = Read([&](ports::StoreTx& tx) { return tx.ListUsers({10, ids[2]}); });
    ASSERT_TRUE(last) << last.error().message();
    EXPECT_EQ(Ids(*last), (std::vector<std::string>{ids[3], ids[4]}));
    EXPECT_FALSE(last->has_more);
}

TEST_P(StoreConformanceTest, InviteRoundTripsAndIsUsedOnce) {
    const auto user = UserOf(NextId<core::UserId>(), "1");
    const auto invite = InviteOf(user, "1");
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertUser(user); !ok) return ok;
        return tx.InsertInvite(invite);
    }));
    auto got = Read([&](ports::StoreTx& tx) { return tx.FindInvite(invite.token_hash); });
    ASSERT_TRUE(got) << got.error().message();
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ(Describe(**got), Describe(invite));

    ExpectError(Write([&](ports::StoreTx& tx) { return tx.InsertInvite(invite); }), ErrorCode::kConflict, kInviteTaken);
    ExpectError(
        Write([&](ports::StoreTx& tx) { return tx.InsertInvite(InviteOf(UserOf(NextId<core::UserId>(), "2"), "2")); }),
        ErrorCode::kNotFound, kInviteUserMissing);

    const core::TimePoint used{1'795'000'444'000};
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.MarkInviteUsed(invite.token_hash, used); }));
    ExpectError(Write([&](ports::StoreTx& tx) { return tx.MarkInviteUsed(invite.token_hash, {used.unix_ms + 1}); }),
                ErrorCode::kConflict, kInviteUsed);
    ExpectError(Write([&](ports::StoreTx& tx) { return tx.MarkInviteUsed("no-such-hash", used); }),
                ErrorCode::kNotFound, kInviteNotFound);
    auto after = Read([&](ports::StoreTx& tx) { return tx.FindInvite(invite.token_hash); });
    ASSERT_TRUE(after && after->has_value());
    auto want = invite;
    want.used_at = used;
    EXPECT_EQ(Describe(**after), Describe(want));
    auto none = Read([&](ports::StoreTx& tx) { return tx.FindInvite("no-such-hash"); });
    ASSERT_TRUE(none) << none.error().message();
    EXPECT_FALSE(none->has_value());
}

TEST_P(StoreConformanceTest, SessionRoundTripsIsTouchedAndDeleted) {
    const auto user = UserOf(NextId<core::UserId>(), "1");
    const auto session = SessionOf(user, "1", {1'795'000'000'500}, {1'795'000'900'000});
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertUser(user); !ok) return ok;
        return tx.InsertSession(session);
    }));
    auto got = Read([&](ports::StoreTx& tx) { return tx.FindSession(session.token_hash); });
    ASSERT_TRUE(got && got->has_value());
    EXPECT_EQ(Describe(**got), Describe(session));

    ExpectError(Write([&](ports::StoreTx& tx) { return tx.InsertSession(session); }), ErrorCode::kConflict,
                kSessionTaken);
    const auto orphan = SessionOf(UserOf(NextId<core::UserId>(), "2"), "2", {1}, {2});
    ExpectError(Write([&](ports::StoreTx& tx) { return tx.InsertSession(orphan); }), ErrorCode::kNotFound,
                kSessionUserMissing);

    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.TouchSession(session.token_hash, {1'795'000'600'000}); }));
    auto touched = Read([&](ports::StoreTx& tx) { return tx.FindSession(session.token_hash); });
    ASSERT_TRUE(touched && touched->has_value());
    auto want = session;
    want.last_seen_at = {1'795'000'600'000};
    EXPECT_EQ(Describe(**touched), Describe(want));

    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.DeleteSession(session.token_hash); }));
    auto gone = Read([&](ports::StoreTx& tx) { return tx.FindSession(session.token_hash); });
    ASSERT_TRUE(gone) << gone.error().message();
    EXPECT_FALSE(gone->has_value());
    EXPECT_TRUE(Write([&](ports::StoreTx& tx) { return tx.DeleteSession(session.token_hash); }));
    ExpectError(Write([&](ports::StoreTx& tx) { return tx.TouchSession(session.token_hash, {1}); }),
                ErrorCode::kNotFound, kSessionNotFound);
}

TEST_P(StoreConformanceTest, DeleteExpiredSessionsRemovesIdleAndOverAgeOnesOnly) {
    const auto user = UserOf(NextId<core::UserId>(), "1");
    const core::TimePoint now{1'795'001'000'000};
    constexpr std::int64_t kIdle = 60'000;
    const auto fresh = SessionOf(user, "fresh", {now.unix_ms - kIdle + 1}, {now.unix_ms + 1});
    const auto idle = SessionOf(user, "idle", {now.unix_ms - kIdle}, {now.unix_ms + 1'000'000});
    const auto old = SessionOf(user, "old", now, now);
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertUser(user); !ok) return ok;
        for (const auto& s : {fresh, idle, old}) {
            if (auto ok = tx.InsertSession(s); !ok) return ok;
        }
        return {};
    }));
    for (const auto& s : {fresh, idle, old}) {
        EXPECT_EQ(core::IsExpired(s, now, kIdle), s.token_hash != fresh.token_hash) << s.token_hash;
    }
    auto deleted = ports::Transact<int>(*store_, ports::TxMode::kWrite,
                                        [&](ports::StoreTx& tx) { return tx.DeleteExpiredSessions(now, kIdle); });
    ASSERT_TRUE(deleted) << deleted.error().message();
    EXPECT_EQ(*deleted, 2);
    for (const auto& s : {fresh, idle, old}) {
        auto found = Read([&](ports::StoreTx& tx) { return tx.FindSession(s.token_hash); });
        ASSERT_TRUE(found) << found.error().message();
        EXPECT_EQ(found->has_value(), s.token_hash == fresh.token_hash) << s.token_hash;
    }
}

TEST_P(StoreConformanceTest, UserWritesFailInAReadTransaction) {
    const auto user = UserOf(NextId<core::UserId>(), "1");
    auto done = store_->Transact(ports::TxMode::kRead, [&](ports::StoreTx& tx) { return tx.InsertUser(user); });
    ExpectError(done, ErrorCode::kInternal, kReadOnlyTransaction);
}

}  // namespace
}  // namespace rt::storage::testing
