#include "app/session_service.hpp"

#include <gtest/gtest.h>

#include "app/partner_service.hpp"
#include "app/program_service.hpp"
#include "app/user_service.hpp"
#include "ports/fakes.hpp"
#include "ports/system.hpp"
#include "storage/open_store.hpp"

namespace rt::app {
namespace {

constexpr std::string_view kPassword = "correct horse battery";
constexpr std::int64_t kIdle = 60 * 60'000;  // an hour

class SessionServiceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto store = storage::OpenStore("memory://");
        ASSERT_TRUE(store) << store.error().message();
        store_ = std::move(*store);
        ASSERT_TRUE(store_->Migrate());
        auto program = ProgramService(deps()).Create(
            admin_,
            {.name = "Acme", .currency = "EUR", .destination_domains = std::vector<std::string>{"shop.example.com"}});
        ASSERT_TRUE(program) << program.error().message();
        auto partner = PartnerService(deps()).Create(
            admin_, {.program_id = program->id.str(), .name = "Ada", .email = "ada@example.com"});
        ASSERT_TRUE(partner) << partner.error().message();
        partner_ = partner->id;
        auto user = UserService(deps(), hasher_)
                        .Create(admin_, {.email = "ada@example.com", .role = "partner", .partner_id = partner_.str()},
                                std::string(kPassword));
        ASSERT_TRUE(user) << user.error().message();
        user_ = user->user;
        sessions_ = std::make_unique<SessionService>(deps(), hasher_, SessionOptions{.idle_ms = kIdle});
    }
    Deps deps() { return {*store_, clock_, random_, digest_}; }

    // Logs in as the partner user; fails the test unless a session starts.
    StartedSession LogIn() {
        auto login = sessions_->Login("ada@example.com", kPassword, "10.0.0.1");
        EXPECT_TRUE(login) << login.error().message();
        EXPECT_TRUE(login && login->started);
        return login && login->started ? *login->started : StartedSession{};
    }
    std::optional<core::Session> Stored(const std::string& token) {
        auto found = ports::Transact<std::optional<core::Session>>(
            *store_, ports::TxMode::kRead,
            [&](ports::StoreTx& tx) { return tx.FindSession(core::HashToken(token, digest_)); });
        EXPECT_TRUE(found) << found.error().message();
        return found ? *found : std::nullopt;
    }
    void ExpectUnauthenticated(const std::string& token) {
        auto current = sessions_->Authenticate(token);
        ASSERT_FALSE(current);
        EXPECT_EQ(current.error().code(), core::ErrorCode::kUnauthenticated);
    }

    std::unique_ptr<ports::Store> store_;
    ports::FakeClock clock_;
    ports::SeededRandom random_{9};
    ports::Sha256Digest digest_;
    ports::PlainHasher hasher_;
    Principal admin_{core::Scope::Admin(), {}};
    core::PartnerId partner_;
    core::User user_;
    std::unique_ptr<SessionService> sessions_;
};

TEST_F(SessionServiceTest, LoginStartsASessionStoredOnlyByTheHashOfItsToken) {
    const auto started = LogIn();
    ASSERT_TRUE(core::IsSecretToken(started.token));
    ASSERT_TRUE(core::IsSecretToken(started.current.session.csrf_token));
    EXPECT_NE(started.token, started.current.session.csrf_token);
    EXPECT_EQ(started.current.user.id, user_.id);
    EXPECT_EQ(started.current.principal.scope, core::Scope::ForPartner(partner_));
    EXPECT_EQ(started.current.principal.key_id.str(), user_.id.str());
    const auto stored = Stored(started.token);
    ASSERT_TRUE(stored);
    EXPECT_EQ(*stored, started.current.session);
    EXPECT_EQ(stored->token_hash, core::HashToken(started.token, digest_));
    EXPECT_EQ(stored->expires_at.unix_ms, clock_.Now().unix_ms + core::Session::kLifetimeMs);

    auto current = sessions_->Authenticate(started.token);
    ASSERT_TRUE(current) << current.error().message();
    EXPECT_EQ(current->session.csrf_token, started.current.session.csrf_token);
}

TEST_F(SessionServiceTest, EmailIsMatchedWithoutCaseOrSurroundingSpace) {
    auto login = sessions_->Login("  ADA@Example.com ", kPassword, "10.0.0.1");
    ASSERT_TRUE(login) << login.error().message();
    EXPECT_TRUE(login->started);
}

TEST_F(SessionServiceTest, WrongPasswordUnknownEmailAndDisabledUserGetTheSameAnswer) {
    auto wrong = sessions_->Login("ada@example.com", "wrong password", "a");
    auto unknown = sessions_->Login("nobody@example.com", kPassword, "b");
    ASSERT_FALSE(wrong);
    ASSERT_FALSE(unknown);
    EXPECT_EQ(wrong.error().code(), core::ErrorCode::kUnauthenticated);
    EXPECT_EQ(wrong.error().message(), unknown.error().message());

    auto disabled = user_;
    disabled.status = core::UserStatus::kDisabled;
    ASSERT_TRUE(store_->Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) { return tx.UpdateUser(disabled); }));
    auto refused = sessions_->Login("ada@example.com", kPassword, "c");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().message(), wrong.error().message());
}

TEST_F(SessionServiceTest, FiveFailuresRefuseTheNextAttemptEvenWithTheRightPassword) {
    for (int i = 0; i < 5; ++i) {
        auto failed = sessions_->Login("ada@example.com", "wrong password", "10.0.0.1");
        ASSERT_FALSE(failed) << i;
    }
    auto refused = sessions_->Login("ada@example.com", kPassword, "10.0.0.2");
    ASSERT_TRUE(refused) << refused.error().message();
    EXPECT_FALSE(refused->started);
    EXPECT_EQ(refused->retry_after_ms, 15 * 60'000);
    // The client is limited too, for any email.
    auto other = sessions_->Login("bob@example.com", kPassword, "10.0.0.1");
    ASSERT_TRUE(other) << other.error().message();
    EXPECT_GT(other->retry_after_ms, 0);

    clock_.Advance(15 * 60'000);
    EXPECT_TRUE(LogIn().current.user.id == user_.id);
}

TEST_F(SessionServiceTest, IdleSessionExpiresAndUseSlidesItAtMostOnceAMinute) {
    const auto started = LogIn();
    const auto created = clock_.Now();
    clock_.Advance(30'000);
    ASSERT_TRUE(sessions_->Authenticate(started.token));
    EXPECT_EQ(Stored(started.token)->last_seen_at, created);  // not yet written
    clock_.Advance(30'000);
    ASSERT_TRUE(sessions_->Authenticate(started.token));
    EXPECT_EQ(Stored(started.token)->last_seen_at, clock_.Now());

    clock_.Advance(kIdle - 1);
    ASSERT_TRUE(sessions_->Authenticate(started.token));
    clock_.Advance(kIdle);
    ExpectUnauthenticated(started.token);
}

TEST_F(SessionServiceTest, SessionEndsAfterSevenDaysHoweverOftenItIsUsed) {
    const auto started = LogIn();
    for (std::int64_t used = 0; used + kIdle / 2 < core::Session::kLifetimeMs; used += kIdle / 2) {
        clock_.Advance(kIdle / 2);
        ASSERT_TRUE(sessions_->Authenticate(started.token)) << used;
    }
    clock_.Advance(kIdle / 2);
    ExpectUnauthenticated(started.token);
}

TEST_F(SessionServiceTest, LogoutAndDisablingTheUserEndTheSession) {
    const auto first = LogIn();
    const auto second = LogIn();
    ASSERT_TRUE(sessions_->Logout(first.token));
    EXPECT_FALSE(Stored(first.token));
    ExpectUnauthenticated(first.token);
    ASSERT_TRUE(sessions_->Authenticate(second.token));

    auto disabled = user_;
    disabled.status = core::UserStatus::kDisabled;
    ASSERT_TRUE(store_->Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) { return tx.UpdateUser(disabled); }));
    ExpectUnauthenticated(second.token);
}

TEST_F(SessionServiceTest, MalformedAndUnknownTokensAreUnauthenticated) {
    ExpectUnauthenticated("");
    ExpectUnauthenticated("not a token");
    ExpectUnauthenticated(core::NewSecretToken(random_));
    EXPECT_TRUE(sessions_->Logout("not a token"));
}

TEST_F(SessionServiceTest, ALoginDeletesExpiredSessions) {
    const auto old = LogIn();
    clock_.Advance(kIdle + 10 * 60'000);
    ASSERT_TRUE(Stored(old.token));
    LogIn();
    EXPECT_FALSE(Stored(old.token));
}

TEST_F(SessionServiceTest, AdminUserIsAnAdminPrincipal) {
    ASSERT_TRUE(UserService(deps(), hasher_)
                    .Create(admin_, {.email = "boss@example.com", .role = "admin"}, std::string(kPassword)));
    auto login = sessions_->Login("boss@example.com", kPassword, "10.0.0.1");
    ASSERT_TRUE(login && login->started);
    EXPECT_TRUE(login->started->current.principal.is_admin());
}

}  // namespace
}  // namespace rt::app
