#include "app/redirect_service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "app/link_service.hpp"
#include "app/partner_service.hpp"
#include "app/program_service.hpp"
#include "ports/fakes.hpp"
#include "ports/system.hpp"
#include "storage/open_store.hpp"

namespace rt::app {
namespace {

constexpr std::string_view kBrowser =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 "
    "Mobile/15E148 Safari/604.1";
constexpr std::int64_t kHourMs = 60 * 60 * 1000;

class RedirectServiceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto store = storage::OpenStore("memory://");
        ASSERT_TRUE(store) << store.error().message();
        store_ = std::move(*store);
        ASSERT_TRUE(store_->Migrate());
        programs_ = std::make_unique<ProgramService>(deps());
        links_ = std::make_unique<LinkService>(deps());
        links_->SetChangeListener([this](const core::Link& l) { directory_.OnLinkChanged(l); });
        programs_->SetChangeListener([this](const core::Program& p) { directory_.OnProgramChanged(p); });
        auto program = programs_->Create(admin_, {.name = "Acme",
                                                  .currency = "EUR",
                                                  .destination_domains = std::vector<std::string>{"shop.example.com"},
                                                  .attribution = core::AttributionSettings{.window_days = 30}});
        ASSERT_TRUE(program) << program.error().message();
        program_ = program->id.str();
        ada_ = NewPartner("ada@example.com");
        bob_ = NewPartner("bob@example.com");
        link_ = NewLink(ada_, "ada-spring");
        writer_ = std::make_unique<ClickWriter>(*store_);
        writer_->Start();
        service_ = std::make_unique<RedirectService>(deps(), vault_, directory_, *writer_);
    }
    void TearDown() override { writer_->Stop(); }

    Deps deps() { return {*store_, clock_, random_, digest_}; }

    std::string NewPartner(const std::string& email) {
        auto partner = PartnerService(deps()).Create(admin_, {.program_id = program_, .name = email, .email = email});
        EXPECT_TRUE(partner) << partner.error().message();
        return partner->id.str();
    }
    core::Link NewLink(const std::string& partner, const std::string& code) {
        clock_.Advance(1);
        auto link = links_->Create(
            admin_,
            {.partner_id = partner, .destination = "https://shop.example.com/pricing?plan=pro#faq", .code = code});
        EXPECT_TRUE(link) << link.error().message();
        return *link;
    }

    RedirectRequest Browser(const std::string& code, const std::string& cookie = "") {
        return {.code = code,
                .user_agent = std::string(kBrowser),
                .referer = "https://News.Example.com/story?id=1",
                .remote_ip = "203.0.113.9",
                .utm = {.source = "newsletter", .medium = "email\r\n", .campaign = std::string(300, 'c')},
                .visitor_cookie = cookie};
    }

    core::Result<RedirectAnswer> Redirect(const RedirectRequest& request) {
        std::promise<core::Result<RedirectAnswer>> answer;
        auto future = answer.get_future();
        service_->Redirect(request, [&answer](core::Result<RedirectAnswer> a) { answer.set_value(std::move(a)); });
        return future.get();
    }
    core::Result<core::Click> ServerClick(const Principal& who, const ServerClickRequest& request) {
        std::promise<core::Result<core::Click>> answer;
        auto future = answer.get_future();
        service_->RecordServerClick(who, request,
                                    [&answer](core::Result<core::Click> c) { answer.set_value(std::move(c)); });
        return future.get();
    }
    core::Result<core::Click> Stored(const core::ClickId& id) {
        return ports::Transact<core::Click>(*store_, ports::TxMode::kRead,
                                            [&](ports::StoreTx& tx) { return tx.GetClick(id); });
    }

    std::unique_ptr<ports::Store> store_;
    ports::FakeClock clock_;
    ports::SeededRandom random_{5};
    ports::Sha256Digest digest_;
    ports::FakeVault vault_;
    Principal admin_{core::Scope::Admin(), {}};
    std::unique_ptr<ProgramService> programs_;
    std::unique_ptr<LinkService> links_;
    LinkDirectory directory_;
    std::unique_ptr<ClickWriter> writer_;
    std::unique_ptr<RedirectService> service_;
    std::string program_, ada_, bob_;
    core::Link link_;
};

TEST_F(RedirectServiceTest, ARedirectRecordsTheClickDurablyAndAnswersWithTheClickId) {
    auto answer = Redirect(Browser("ADA-SPRING"));
    ASSERT_TRUE(answer) << answer.error().message();
    const auto& click = answer->click;
    EXPECT_EQ(answer->location, "https://shop.example.com/pricing?plan=pro&rt_click=" + click.id.str() + "#faq");
    EXPECT_EQ(answer->cookie_max_age_s, 30 * 86400);
    EXPECT_EQ(click.link_id, link_.id);
    EXPECT_EQ(click.partner_id.str(), ada_);
    EXPECT_EQ(click.program_id.str(), program_);
    EXPECT_TRUE(click.visitor_id.str().starts_with("vis_"));
    EXPECT_EQ(click.at, clock_.Now());
    EXPECT_EQ(click.referrer_host, "news.example.com");
    EXPECT_EQ(click.device, core::DeviceClass::kMobile);
    EXPECT_EQ(click.utm.source, "newsletter");
    EXPECT_EQ(click.utm.medium, "email");
    EXPECT_EQ(click.utm.campaign, std::string(200, 'c'));
    EXPECT_EQ(click.ip_prefix, "203.0.113.0/24");
    EXPECT_EQ(click.ip_hash, vault_.KeyedHash("ip", "203.0.113.9"));
    EXPECT_FALSE(click.bot);
    EXPECT_TRUE(click.unique);

    auto stored = Stored(click.id);
    ASSERT_TRUE(stored) << "the answer comes after the commit";
    EXPECT_EQ(*stored, click);
}

TEST_F(RedirectServiceTest, UnknownDisabledAndOffDomainLinksAreNotFound) {
    auto unknown = Redirect(Browser("nope"));
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code(), core::ErrorCode::kNotFound);

    const auto off = NewLink(bob_, "bob-off");
    clock_.Advance(1);
    ASSERT_TRUE(links_->Patch(admin_, off.id.str(), {.status = "disabled"}));
    auto disabled = Redirect(Browser("bob-off"));
    ASSERT_FALSE(disabled);
    EXPECT_EQ(disabled.error().code(), core::ErrorCode::kNotFound);

    clock_.Advance(1);
    ASSERT_TRUE(
        programs_->Patch(admin_, program_, {.destination_domains = std::vector<std::string>{"www.example.com"}}));
    auto dropped = Redirect(Browser("ada-spring"));
    ASSERT_FALSE(dropped) << "the program no longer lists the destination's domain";
    EXPECT_EQ(dropped.error().code(), core::ErrorCode::kNotFound);
    EXPECT_EQ(writer_->clicks_committed(), 0u) << "no click for a refused code";
}

TEST_F(RedirectServiceTest, BotsAndHeadAreRecordedAsBotsAndNeverUnique) {
    auto preview = Browser("ada-spring");
    preview.user_agent = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)";
    auto bot = Redirect(preview);
    ASSERT_TRUE(bot);
    EXPECT_TRUE(bot->click.bot);
    EXPECT_FALSE(bot->click.unique);
    EXPECT_EQ(bot->click.device, core::DeviceClass::kBot);

    auto head = Browser("ada-spring");
    head.head = true;
    auto headed = Redirect(head);
    ASSERT_TRUE(headed);
    EXPECT_TRUE(headed->click.bot);
    EXPECT_FALSE(headed->click.unique);
    EXPECT_EQ(headed->click.device, core::DeviceClass::kMobile);

    auto person = Redirect(Browser("ada-spring"));
    ASSERT_TRUE(person);
    EXPECT_TRUE(person->click.unique) << "the bots' visits do not make the person's a repeat";
}

TEST_F(RedirectServiceTest, TheSameVisitorOnTheSameLinkWithinTheHourIsNotUnique) {
    auto first = Redirect(Browser("ada-spring"));
    ASSERT_TRUE(first);
    const std::string cookie = first->click.visitor_id.str();
    clock_.Advance(10 * 60 * 1000);
    auto again = Redirect(Browser("ada-spring", cookie));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->click.visitor_id, first->click.visitor_id);
    EXPECT_FALSE(again->click.unique);

    NewLink(ada_, "ada-other");
    auto other_link = Redirect(Browser("ada-other", cookie));
    ASSERT_TRUE(other_link);
    EXPECT_TRUE(other_link->click.unique) << "another link";

    clock_.Advance(kHourMs);
    auto later = Redirect(Browser("ada-spring", cookie));
    ASSERT_TRUE(later);
    EXPECT_TRUE(later->click.unique) << "more than an hour after the unique visit";
}

TEST_F(RedirectServiceTest, CookielessVisitsCountOnceByAddressAndDevice) {
    auto first = Redirect(Browser("ada-spring"));
    ASSERT_TRUE(first);
    auto second = Redirect(Browser("ada-spring"));  // cookies blocked: a new visitor id each time
    ASSERT_TRUE(second);
    EXPECT_NE(second->click.visitor_id, first->click.visitor_id);
    EXPECT_FALSE(second->click.unique);

    auto with_cookie = Redirect(Browser("ada-spring", first->click.visitor_id.str()));
    ASSERT_TRUE(with_cookie);
    EXPECT_FALSE(with_cookie->click.unique) << "the cookie given on the first visit names the same person";

    auto elsewhere = Browser("ada-spring");
    elsewhere.remote_ip = "198.51.100.7";
    auto other_person = Redirect(elsewhere);
    ASSERT_TRUE(other_person);
    EXPECT_TRUE(other_person->click.unique);
}

TEST_F(RedirectServiceTest, AReturningVisitorKeepsItsIdThroughAnotherPartnersLink) {
    auto via_ada = Redirect(Browser("ada-spring"));
    ASSERT_TRUE(via_ada);
    NewLink(bob_, "bob-spring");
    clock_.Advance(1000);
    auto via_bob = Redirect(Browser("bob-spring", via_ada->click.visitor_id.str()));
    ASSERT_TRUE(via_bob);
    EXPECT_EQ(via_bob->click.visitor_id, via_ada->click.visitor_id);
    EXPECT_EQ(via_bob->click.partner_id.str(), bob_);
    EXPECT_TRUE(via_bob->click.unique);

    auto history = ports::Transact<std::vector<core::Click>>(*store_, ports::TxMode::kRead, [&](ports::StoreTx& tx) {
        return tx.ListVisitorClicks(via_ada->click.program_id, via_ada->click.visitor_id, {0});
    });
    ASSERT_TRUE(history);
    ASSERT_EQ(history->size(), 2u);
    EXPECT_EQ((*history)[0].id, via_ada->click.id);
    EXPECT_EQ((*history)[1].id, via_bob->click.id);
}

TEST_F(RedirectServiceTest, AForgedOrForeignCookieGetsANewVisitor) {
    for (std::string cookie : {"garbage", "prt_01jd8x3k5m7n9p1q2r3s4t5v6w", "vis_!!"}) {
        auto answer = Redirect(Browser("ada-spring", cookie));
        ASSERT_TRUE(answer);
        EXPECT_NE(answer->click.visitor_id.str(), cookie);
        EXPECT_TRUE(core::VisitorId::Parse(answer->click.visitor_id.str()));
    }
}

// The same service throughout: a click that was not recorded must be forgotten by its UniqueVisits, or the retry
// (a cookieless visit again: the same address and device) would count as a repeat.
TEST_F(RedirectServiceTest, AFullWriterQueueIsUnavailableAndTheRetryStillCountsAsUnique) {
    service_.reset();
    writer_->Stop();
    // Not started yet: the first click waits in the queue, which then has no room for the next.
    writer_ = std::make_unique<ClickWriter>(*store_, ClickWriterOptions{.max_batch = 1, .max_queue = 1});
    service_ = std::make_unique<RedirectService>(deps(), vault_, directory_, *writer_);
    NewLink(bob_, "bob-spring");
    std::promise<core::Result<RedirectAnswer>> queued;
    service_->Redirect(Browser("bob-spring"),
                       [&queued](core::Result<RedirectAnswer> a) { queued.set_value(std::move(a)); });

    auto refused = Redirect(Browser("ada-spring"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), core::ErrorCode::kUnavailable);

    writer_->Start();
    ASSERT_TRUE(queued.get_future().get());
    auto retried = Redirect(Browser("ada-spring"));
    ASSERT_TRUE(retried);
    EXPECT_TRUE(retried->click.unique);
    EXPECT_TRUE(Stored(retried->click.id));
}

TEST_F(RedirectServiceTest, AFailedBatchAnswersWithItsErrorAndTheRetryStillCountsAsUnique) {
    service_.reset();
    writer_->Stop();
    std::atomic<bool> fail{true};
    writer_ = std::make_unique<ClickWriter>(
        *store_, ClickWriterOptions{}, [&fail](ports::StoreTx&, std::span<const core::Click>) -> core::Result<void> {
            if (fail) return core::Fail(core::Error::Internal("the ledger failed"));
            return {};
        });
    writer_->Start();
    service_ = std::make_unique<RedirectService>(deps(), vault_, directory_, *writer_);

    auto failed = Redirect(Browser("ada-spring"));
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code(), core::ErrorCode::kInternal);

    fail = false;
    auto retried = Redirect(Browser("ada-spring"));
    ASSERT_TRUE(retried);
    EXPECT_TRUE(retried->click.unique);
    auto again = Redirect(Browser("ada-spring"));
    ASSERT_TRUE(again);
    EXPECT_FALSE(again->click.unique) << "a recorded visit is remembered";
}

TEST_F(RedirectServiceTest, ServerSideClicksForAdminAndTheProgramsIngestKey) {
    const Principal ingest{core::Scope::ForIngest(core::ProgramId::FromTrusted(program_)), {}};
    const auto visitor = core::VisitorId::Generate(clock_.Now(), random_);
    const core::TimePoint an_hour_ago{clock_.Now().unix_ms - kHourMs};
    auto click = ServerClick(ingest, {.code = "ADA-SPRING",
                                      .visitor_id = visitor.str(),
                                      .user_agent = std::string(kBrowser),
                                      .ip = "2001:db8:1:2::9",
                                      .referrer = "news.example.com",
                                      .utm = {.campaign = "spring"},
                                      .occurred_at = core::FormatRfc3339(an_hour_ago)});
    ASSERT_TRUE(click) << click.error().message();
    EXPECT_EQ(click->visitor_id, visitor);
    EXPECT_EQ(click->at, an_hour_ago);
    EXPECT_TRUE(click->id.str() < core::ClickId::Generate(clock_.Now(), random_).str()) << "the id carries `at`";
    EXPECT_EQ(click->ip_prefix, "2001:db8:1::/48");
    EXPECT_EQ(click->ip_hash, vault_.KeyedHash("ip", "2001:db8:1:2::9"));
    EXPECT_EQ(click->referrer_host, "news.example.com");
    EXPECT_EQ(click->utm.campaign, "spring");
    EXPECT_FALSE(click->bot);
    EXPECT_TRUE(Stored(click->id));

    auto minimal = ServerClick(admin_, {.link_id = link_.id.str()});
    ASSERT_TRUE(minimal) << minimal.error().message();
    EXPECT_EQ(minimal->device, core::DeviceClass::kUnknown);
    EXPECT_FALSE(minimal->bot) << "a server-side click without a user agent is not a bot";
    EXPECT_TRUE(minimal->ip_prefix.empty());
    EXPECT_TRUE(minimal->ip_hash.empty());
}

TEST_F(RedirectServiceTest, ServerSideClicksAreRefusedForBadRequests) {
    const Principal partner{core::Scope::ForPartner(core::PartnerId::FromTrusted(ada_)), {}};
    auto forbidden = ServerClick(partner, {.code = "ada-spring"});
    ASSERT_FALSE(forbidden);
    EXPECT_EQ(forbidden.error().code(), core::ErrorCode::kForbidden);

    const Principal elsewhere{core::Scope::ForIngest(core::ProgramId::Generate(clock_.Now(), random_)), {}};
    auto foreign = ServerClick(elsewhere, {.code = "ada-spring"});
    ASSERT_FALSE(foreign);
    EXPECT_EQ(foreign.error().code(), core::ErrorCode::kInvalid);
    EXPECT_EQ(foreign.error().fields().at(0).field, "code");

    struct Case {
        ServerClickRequest request;
        std::vector<std::string> fields;
    };
    const Case cases[] = {
        {{}, {"code"}},
        {{.code = "nope"}, {"code"}},
        {{.link_id = "lnk_bad"}, {"link_id"}},
        {{.code = "ada-spring", .link_id = core::LinkId::Generate(clock_.Now(), random_).str()}, {"link_id"}},
        {{.code = "ada-spring", .visitor_id = "vis_x", .ip = "999.1.1.1", .occurred_at = "yesterday"},
         {"visitor_id", "ip", "occurred_at"}},
        {{.code = "ada-spring", .occurred_at = "2099-01-01T00:00:00Z"}, {"occurred_at"}},
    };
    for (const auto& c : cases) {
        auto refused = ServerClick(admin_, c.request);
        ASSERT_FALSE(refused);
        EXPECT_EQ(refused.error().code(), core::ErrorCode::kInvalid) << refused.error().message();
        std::vector<std::string> fields;
        for (const auto& f : refused.error().fields()) fields.push_back(f.field);
        EXPECT_EQ(fields, c.fields) << refused.error().message();
    }

    clock_.Advance(1);
    ASSERT_TRUE(links_->Patch(admin_, link_.id.str(), {.status = "disabled"}));
    auto disabled = ServerClick(admin_, {.code = "ada-spring"});
    ASSERT_FALSE(disabled);
    EXPECT_EQ(disabled.error().code(), core::ErrorCode::kConflict);
    EXPECT_EQ(writer_->clicks_committed(), 0u);
}

}  // namespace
}  // namespace rt::app
