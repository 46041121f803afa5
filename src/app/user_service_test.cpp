#include "app/user_service.hpp"

#include <gtest/gtest.h>

#include "app/event_log.hpp"
#include "app/partner_service.hpp"
#include "app/program_service.hpp"
#include "app/session_service.hpp"
#include "ports/fakes.hpp"
#include "ports/system.hpp"
#include "storage/open_store.hpp"

namespace rt::app {
namespace {

constexpr std::string_view kPassword = "correct horse battery";

class UserServiceTest : public ::testing::Test {
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
        program_ = program->id;
        auto partner = PartnerService(deps()).Create(
            admin_, {.program_id = program->id.str(), .name = "Ada", .email = "ada@example.com"});
        ASSERT_TRUE(partner) << partner.error().message();
        partner_ = partner->id.str();
    }
    Deps deps() { return {*store_, clock_, random_, digest_}; }

    // The program's events, oldest first.
    std::vector<core::Event> Events() {
        auto events = ports::Transact<std::vector<core::Event>>(
            *store_, ports::TxMode::kRead, [&](ports::StoreTx& tx) { return tx.ListEvents(program_, 0, 1000); });
        EXPECT_TRUE(events) << events.error().message();
        return events ? *events : std::vector<core::Event>{};
    }

    std::unique_ptr<ports::Store> store_;
    ports::FakeClock clock_;
    ports::SeededRandom random_{5};
    ports::Sha256Digest digest_;
    ports::PlainHasher hasher_;
    Principal admin_{core::Scope::Admin(), {}};
    core::ProgramId program_;
    std::string partner_;
};

TEST_F(UserServiceTest, WithAPasswordTheUserCanLogInAtOnceAndGetsNoInvite) {
    UserService users(deps(), hasher_);
    auto created = users.Create(admin_, {.email = "Boss@Example.com", .role = "admin"}, std::string(kPassword));
    ASSERT_TRUE(created) << created.error().message();
    EXPECT_TRUE(created->invite_token.empty());
    EXPECT_EQ(created->user.email, "boss@example.com");
    EXPECT_EQ(created->user.password_hash, hasher_.Hash(kPassword));
    EXPECT_TRUE(created->user.id.str().starts_with("usr_"));

    SessionService sessions(deps(), hasher_);
    auto login = sessions.Login("boss@example.com", kPassword, "client");
    ASSERT_TRUE(login) << login.error().message();
    ASSERT_TRUE(login->started);
    EXPECT_TRUE(login->started->current.principal.is_admin());
}

TEST_F(UserServiceTest, WithoutAPasswordTheUserGetsAOneTimeInvite) {
    UserService users(deps(), hasher_);
    auto created = users.Create(admin_, {.email = "bob@example.com", .role = "partner", .partner_id = partner_}, {});
    ASSERT_TRUE(created) << created.error().message();
    ASSERT_TRUE(core::IsSecretToken(created->invite_token)) << created->invite_token;
    EXPECT_TRUE(created->user.password_hash.empty());

    // Only the token's SHA-256 is stored.
    auto stored = ports::Transact<std::optional<core::Invite>>(*store_, ports::TxMode::kRead, [&](ports::StoreTx& tx) {
        return tx.FindInvite(core::HashToken(created->invite_token, digest_));
    });
    ASSERT_TRUE(stored && stored->has_value());
    EXPECT_EQ((*stored)->expires_at.unix_ms, clock_.Now().unix_ms + core::Invite::kLifetimeMs);

    SessionService sessions(deps(), hasher_);
    EXPECT_FALSE(sessions.Login("bob@example.com", "", "client"));  // no password yet

    auto weak = users.AcceptInvite(created->invite_token, "short");
    ASSERT_FALSE(weak);
    EXPECT_EQ(weak.error().code(), core::ErrorCode::kInvalid);
    auto accepted = users.AcceptInvite(created->invite_token, kPassword);
    ASSERT_TRUE(accepted) << accepted.error().message();
    EXPECT_EQ(accepted->password_hash, hasher_.Hash(kPassword));
    auto login = sessions.Login("bob@example.com", kPassword, "client");
    ASSERT_TRUE(login && login->started) << (login ? "rate limited" : login.error().message());
    EXPECT_EQ(login->started->current.principal.scope, core::Scope::ForPartner(core::PartnerId::FromTrusted(partner_)));

    auto again = users.AcceptInvite(created->invite_token, "another long password");
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code(), core::ErrorCode::kNotFound);
}

TEST_F(UserServiceTest, AnExpiredOrUnknownInviteIsNotFound) {
    UserService users(deps(), hasher_);
    auto created = users.Create(admin_, {.email = "bob@example.com", .role = "admin"}, {});
    ASSERT_TRUE(created) << created.error().message();
    for (const std::string& token : {std::string("nope"), core::NewSecretToken(random_)}) {
        auto unknown = users.AcceptInvite(token, kPassword);
        ASSERT_FALSE(unknown);
        EXPECT_EQ(unknown.error().code(), core::ErrorCode::kNotFound);
    }
    clock_.Advance(core::Invite::kLifetimeMs);
    auto expired = users.AcceptInvite(created->invite_token, kPassword);
    ASSERT_FALSE(expired);
    EXPECT_EQ(expired.error().code(), core::ErrorCode::kNotFound);
    // An expired invite with a weak password says the link is bad, not the password.
    EXPECT_EQ(users.AcceptInvite(created->invite_token, "x").error().code(), core::ErrorCode::kNotFound);
}

TEST_F(UserServiceTest, OnlyAdminsManageUsers) {
    UserService users(deps(), hasher_);
    const Principal partner{core::Scope::ForPartner(core::PartnerId::FromTrusted(partner_)), {}};
    auto created = users.Create(partner, {.email = "eve@example.com", .role = "admin"}, std::string(kPassword));
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().code(), core::ErrorCode::kForbidden);
    auto listed = users.List(partner, {});
    ASSERT_FALSE(listed);
    EXPECT_EQ(listed.error().code(), core::ErrorCode::kForbidden);
}

TEST_F(UserServiceTest, RefusesBadFieldsUnknownPartnersWeakPasswordsAndTakenEmails) {
    UserService users(deps(), hasher_);
    struct Case {
        const char* name;
        core::UserFields fields;
        std::optional<std::string> password;
        core::ErrorCode code;
    };
    const Case cases[] = {
        {"bad email", {.email = "nope", .role = "admin"}, {}, core::ErrorCode::kInvalid},
        {"unknown partner",
         {.email = "x@example.com", .role = "partner", .partner_id = "prt_01jd0000000000000000000000"},
         {},
         core::ErrorCode::kInvalid},
        {"weak password", {.email = "x@example.com", .role = "admin"}, "123456789", core::ErrorCode::kInvalid},
        {"taken email", {.email = "ADA@example.com", .role = "admin"}, {}, core::ErrorCode::kConflict},
    };
    ASSERT_TRUE(users.Create(admin_, {.email = "ada@example.com", .role = "admin"}, {}));
    for (const auto& c : cases) {
        auto created = users.Create(admin_, c.fields, c.password);
        ASSERT_FALSE(created) << c.name;
        EXPECT_EQ(created.error().code(), c.code) << c.name << ": " << created.error().message();
    }
    auto listed = users.List(admin_, {});
    ASSERT_TRUE(listed) << listed.error().message();
    EXPECT_EQ(listed->data.size(), 1U);
}

TEST_F(UserServiceTest, PartnerUserChangesAreInItsProgramsLedgerWithoutTheEmail) {
    UserService users(deps(), hasher_);
    const auto before = Events().size();
    ASSERT_TRUE(users.Create(admin_, {.email = "boss@example.com", .role = "admin"}, std::string(kPassword)));
    EXPECT_EQ(Events().size(), before);  // an admin user belongs to no program
    auto created = users.Create(admin_, {.email = "bob@example.com", .role = "partner", .partner_id = partner_}, {});
    ASSERT_TRUE(created) << created.error().message();
    ASSERT_TRUE(users.AcceptInvite(created->invite_token, kPassword));

    const auto events = Events();
    ASSERT_EQ(events.size(), before + 2);
    EXPECT_EQ(events[before].type, "user.created");
    EXPECT_EQ(events[before + 1].type, "user.password_set");
    for (std::size_t i = before; i < events.size(); ++i) {
        EXPECT_EQ(events[i].subject_id, created->user.id.str());
        const core::Event& e = events[i];
        for (const auto& [name, value] : e.payload) {
            EXPECT_EQ(value.find("bob@"), std::string::npos) << name;
            EXPECT_EQ(value.find(kPassword), std::string::npos) << name;
        }
        EXPECT_EQ(e.payload, (EventPayload{{"partner_id", partner_}, {"role", "partner"}}));  // in key order
    }
}

}  // namespace
}  // namespace rt::app
