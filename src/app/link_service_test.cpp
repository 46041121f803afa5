#include "app/link_service.hpp"

#include <gtest/gtest.h>

#include "app/partner_service.hpp"
#include "app/program_service.hpp"
#include "ports/fakes.hpp"
#include "ports/system.hpp"
#include "storage/open_store.hpp"

namespace rt::app {
namespace {

class LinkServiceTest : public ::testing::Test {
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
        partner_ = partner->id.str();
    }
    Deps deps(core::Random* random = nullptr) { return {*store_, clock_, random ? *random : random_, digest_}; }

    std::unique_ptr<ports::Store> store_;
    ports::FakeClock clock_;
    ports::SeededRandom random_{1};
    ports::Sha256Digest digest_;
    Principal admin_{core::Scope::Admin(), {}};
    std::string partner_;
};

// Two services drawing the same random sequence draw the same code: the second must draw again
// instead of failing, and end with a different code.
TEST_F(LinkServiceTest, GeneratedCodeCollisionDrawsAgain) {
    ports::SeededRandom a(7);
    ports::SeededRandom b(7);
    core::LinkFields fields{.partner_id = partner_, .destination = "https://shop.example.com/"};
    auto first = LinkService(deps(&a)).Create(admin_, fields);
    ASSERT_TRUE(first) << first.error().message();
    clock_.Advance(1);  // a different id, the same code draw
    auto second = LinkService(deps(&b)).Create(admin_, fields);
    ASSERT_TRUE(second) << second.error().message();
    EXPECT_NE(first->code, second->code);
    EXPECT_NE(first->id, second->id);
}

TEST_F(LinkServiceTest, VanityCodeCollisionIsAConflictNotARetry) {
    core::LinkFields fields{.partner_id = partner_, .destination = "https://shop.example.com/", .code = "Spring"};
    ASSERT_TRUE(LinkService(deps()).Create(admin_, fields));
    fields.code = "SPRING";
    auto again = LinkService(deps()).Create(admin_, fields);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code(), core::ErrorCode::kConflict);
}

struct ScopeCase {
    const char* name;
    core::Scope::Kind kind;
    bool own_partner;  // for partner keys: acting as the link's partner
    core::ErrorCode expected;
};

TEST_F(LinkServiceTest, ScopeTable) {
    auto link =
        LinkService(deps()).Create(admin_, {.partner_id = partner_, .destination = "https://shop.example.com/"});
    ASSERT_TRUE(link);
    auto other = PartnerService(deps()).Create(
        admin_, {.program_id = link->program_id.str(), .name = "Bob", .email = "bob@example.com"});
    ASSERT_TRUE(other);
    const ScopeCase cases[] = {
        {"partner reads another's link", core::Scope::Kind::kPartner, false, core::ErrorCode::kNotFound},
        {"ingest reads a link", core::Scope::Kind::kIngest, false, core::ErrorCode::kForbidden},
    };
    for (const auto& c : cases) {
        Principal who{{c.kind, c.kind == core::Scope::Kind::kPartner ? other->id.str() : link->program_id.str()}, {}};
        auto got = LinkService(deps()).Get(who, link->id.str());
        ASSERT_FALSE(got) << c.name;
        EXPECT_EQ(got.error().code(), c.expected) << c.name;
        auto patched = LinkService(deps()).Patch(who, link->id.str(), {.campaign = "x"});
        ASSERT_FALSE(patched) << c.name;
        EXPECT_EQ(patched.error().code(), c.expected) << c.name;
    }
    Principal owner{core::Scope::ForPartner(link->partner_id), {}};
    EXPECT_TRUE(LinkService(deps()).Get(owner, link->id.str()));
}

}  // namespace
}  // namespace rt::app
