#include "app/demo_data.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>

#include "app/event_log.hpp"
#include "ports/fakes.hpp"
#include "ports/system.hpp"
#include "storage/open_store.hpp"

namespace rt::app {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

// A memory store with fake ports, and what the generator wrote into it.
struct DemoWorld {
    std::unique_ptr<ports::Store> store;
    ports::FakeClock clock;
    ports::SeededRandom random{3};
    ports::Sha256Digest digest;
    ports::FakeVault vault;
    DemoSummary summary;

    Deps deps() { return {*store, clock, random, digest}; }
};

std::unique_ptr<DemoWorld> Generate(const DemoOptions& options, std::vector<DemoProgress>* progress = nullptr) {
    auto world = std::make_unique<DemoWorld>();
    auto store = storage::OpenStore("memory://");
    EXPECT_TRUE(store) << store.error().message();
    world->store = std::move(*store);
    EXPECT_TRUE(world->store->Migrate());
    auto summary = GenerateDemoData(world->deps(), world->vault, options, [&](const DemoProgress& p) {
        if (progress != nullptr) progress->push_back(p);
    });
    EXPECT_TRUE(summary) << summary.error().message();
    if (summary) world->summary = *summary;
    return world;
}

// The program's whole ledger, in seq order.
std::vector<core::Event> Ledger(DemoWorld& world) {
    std::vector<core::Event> all;
    for (;;) {
        auto page =
            ports::Transact<std::vector<core::Event>>(*world.store, ports::TxMode::kRead, [&](ports::StoreTx& tx) {
                return tx.ListEvents(world.summary.program_id, all.empty() ? 0 : all.back().seq, 1000);
            });
        EXPECT_TRUE(page) << page.error().message();
        if (!page || page->empty()) return all;
        all.insert(all.end(), page->begin(), page->end());
    }
}

std::string PayloadOf(const core::Event& e, const std::string& key) {
    for (const auto& [k, v] : e.payload) {
        if (k == key) return v;
    }
    return "";
}

template <class T>
std::vector<T> ListAll(
    DemoWorld& world,
    const std::function<core::Result<core::Page<T>>(ports::StoreTx&, const core::PageRequest&)>& list) {
    std::vector<T> all;
    core::PageRequest page{.limit = core::PageRequest::kMaxLimit};
    for (;;) {
        auto got = ports::Transact<core::Page<T>>(*world.store, ports::TxMode::kRead,
                                                  [&](ports::StoreTx& tx) { return list(tx, page); });
        EXPECT_TRUE(got) << got.error().message();
        if (!got) return all;
        all.insert(all.end(), got->data.begin(), got->data.end());
        if (!got->has_more || got->data.empty()) return all;
        page.starting_after = got->data.back().id.str();
    }
}

class DemoDataTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        world_ = Generate({.partners = 200, .days = 90, .clicks = 20'000, .seed = 7}, &progress_).release();
    }
    static void TearDownTestSuite() {
        delete world_;
        world_ = nullptr;
    }

    static DemoWorld* world_;
    static std::vector<DemoProgress> progress_;
};

DemoWorld* DemoDataTest::world_ = nullptr;
std::vector<DemoProgress> DemoDataTest::progress_;

TEST_F(DemoDataTest, CountsEveryKindAndTheLedgerAgrees) {
    const auto& s = world_->summary;
    EXPECT_EQ(s.clicks, 20'000);
    EXPECT_EQ(s.partners, 200);
    EXPECT_GT(s.links, s.partners - s.pending_partners - 1);
    EXPECT_LE(s.links, 3 * s.partners);
    EXPECT_GT(s.coupons, 0);
    EXPECT_GT(s.coupon_referrals, 0);
    EXPECT_GT(s.registered_deals, 0);
    EXPECT_GT(s.won, 0);
    EXPECT_GT(s.lost, 0);
    EXPECT_GT(s.direct_conversions, 0);
    EXPECT_GT(s.recurring_conversions, 0);

    std::map<std::string, std::int64_t> by_type;
    std::int64_t batch_clicks = 0;
    std::int64_t sales = 0;
    std::int64_t refunds = 0;
    for (const auto& e : Ledger(*world_)) {
        ++by_type[e.type];
        if (e.type == "click.batch") batch_clicks += std::stoll(PayloadOf(e, "count"));
        if (e.type == "conversion.recorded") ++(PayloadOf(e, "type") == "refund" ? refunds : sales);
    }
    EXPECT_EQ(by_type["program.created"], 1);
    EXPECT_EQ(by_type["partner.created"], s.partners);
    EXPECT_EQ(by_type["link.created"], s.links);
    EXPECT_EQ(batch_clicks, s.clicks);
    EXPECT_EQ(by_type["referral.created"], s.referrals);
    EXPECT_EQ(by_type["referral.stage_changed"], s.stage_moves);
    EXPECT_EQ(sales, s.conversions);
    EXPECT_EQ(refunds, s.refunds);
    EXPECT_GT(by_type["commission.created"], 0);
    EXPECT_GT(by_type["commission.reversed"], 0);
}

TEST_F(DemoDataTest, ReferralsComeFromClicksCouponsAndRegisteredDealsAndEndWonLostOrOpen) {
    const auto& s = world_->summary;
    const auto referrals = ListAll<core::Referral>(*world_, [&](ports::StoreTx& tx, const core::PageRequest& page) {
        return tx.ListReferrals({.program_id = s.program_id}, page);
    });
    ASSERT_EQ(static_cast<std::int64_t>(referrals.size()), s.referrals);
    std::map<core::ReferralSource, std::int64_t> by_source;
    std::map<std::string, std::int64_t> by_stage;
    std::int64_t valued = 0;
    for (const auto& r : referrals) {
        ++by_source[r.source];
        ++by_stage[r.stage];
        if (r.value) ++valued;
        EXPECT_EQ(r.history.size(),
                  1 + std::count_if(r.history.begin(), r.history.end(), [](const auto& h) { return !h.from.empty(); }));
        for (std::size_t i = 1; i < r.history.size(); ++i) EXPECT_GE(r.history[i].at, r.history[i - 1].at);
    }
    EXPECT_EQ(by_source[core::ReferralSource::kCoupon], s.coupon_referrals);
    EXPECT_EQ(by_source[core::ReferralSource::kPartner], s.registered_deals);
    EXPECT_EQ(by_source[core::ReferralSource::kClick], s.referrals - s.coupon_referrals - s.registered_deals);
    EXPECT_EQ(by_stage["won"], s.won);
    EXPECT_EQ(by_stage["lost"], s.lost);
    for (const char* open : {"new", "qualified", "demo", "proposal"}) EXPECT_GT(by_stage[open], 0) << open;
    EXPECT_GT(valued, s.registered_deals);  // deals, and every referral that reached a proposal
}

TEST_F(DemoDataTest, AFewPartnersBringMostClicks) {
    auto clicks = world_->summary.clicks_by_partner;
    ASSERT_EQ(clicks.size(), 200u);
    std::sort(clicks.begin(), clicks.end(), std::greater<>());
    const auto top = std::accumulate(clicks.begin(), clicks.begin() + 20, std::int64_t{0});
    EXPECT_GT(top * 2, world_->summary.clicks) << "the top 10% of partners bring most clicks";
    EXPECT_GT(clicks.front(), 20 * clicks[100]) << "the star brings far more than the median partner";
}

TEST_F(DemoDataTest, WeekdaysAreBusierThanWeekends) {
    const auto& by_day = world_->summary.human_clicks_by_weekday;
    const double weekdays = static_cast<double>(by_day[1] + by_day[2] + by_day[3] + by_day[4] + by_day[5]) / 5;
    const double weekend = static_cast<double>(by_day[0] + by_day[6]) / 2;
    EXPECT_GT(weekdays, 1.3 * weekend);
}

TEST_F(DemoDataTest, RatiosAreRealistic) {
    const auto& s = world_->summary;
    const double bots = static_cast<double>(s.bot_clicks) / s.clicks;
    EXPECT_GE(bots, 0.03);
    EXPECT_LE(bots, 0.08);
    EXPECT_LT(s.unique_clicks, s.clicks - s.bot_clicks) << "some visitors come back within the hour";
    EXPECT_GT(s.unique_clicks, (s.clicks - s.bot_clicks) * 8 / 10);
    const double click_to_referral =
        static_cast<double>(s.referrals - s.coupon_referrals - s.registered_deals) / s.unique_clicks;
    EXPECT_GE(click_to_referral, 0.04);
    EXPECT_LE(click_to_referral, 0.15);
    const double referral_to_sale =
        static_cast<double>(s.conversions - s.direct_conversions - s.recurring_conversions) / s.referrals;
    EXPECT_GE(referral_to_sale, 0.05);
    EXPECT_LE(referral_to_sale, 0.35);
    const double refunds = static_cast<double>(s.refunds) / s.conversions;
    EXPECT_GE(refunds, 0.005);  // 2–5% of sales, less the refunds that would come after the period
    EXPECT_LE(refunds, 0.08);
    EXPECT_GT(s.full_refunds, 0);
    EXPECT_LT(s.full_refunds, s.refunds) << "some refunds are partial";
    EXPECT_LT(s.refunded_minor, s.revenue_minor / 10);
}

TEST_F(DemoDataTest, HistoryIsInThePastAndTheClockNeverWentBack) {
    const auto now = world_->clock.Now().unix_ms;
    const auto end = now - now % kDayMs;  // the period is the 90 whole days before today
    const auto events = Ledger(*world_);
    ASSERT_FALSE(events.empty());
    EXPECT_GE(events.front().at.unix_ms, end - 100 * kDayMs);  // the program and partners a few days earlier
    EXPECT_LT(events.back().at.unix_ms, end);
    EXPECT_GT(events.back().at.unix_ms, end - kDayMs);
    for (std::size_t i = 1; i < events.size(); ++i) ASSERT_GE(events[i].at, events[i - 1].at) << events[i].type;
}

TEST_F(DemoDataTest, TheLedgerVerifies) {
    auto report = VerifyLedger(world_->deps());
    ASSERT_TRUE(report) << report.error().message();
    EXPECT_FALSE(report->first_break) << report->first_break->reason;
    EXPECT_GT(report->events, world_->summary.referrals);
}

TEST_F(DemoDataTest, ReportsProgressUpToTheTotal) {
    ASSERT_FALSE(progress_.empty());
    for (std::size_t i = 1; i < progress_.size(); ++i)
        EXPECT_GE(progress_[i].clicks_done, progress_[i - 1].clicks_done);
    EXPECT_EQ(progress_.back().clicks_done, 20'000);
    EXPECT_EQ(progress_.back().clicks_total, 20'000);
    EXPECT_EQ(progress_.back().referrals, world_->summary.referrals);
}

TEST(DemoData, TheSameSeedGivesTheSameDataAndAnotherSeedOther) {
    const DemoOptions options{.partners = 30, .days = 20, .clicks = 3'000, .seed = 11};
    auto first = Generate(options);
    auto again = Generate(options);
    auto other = Generate({.partners = 30, .days = 20, .clicks = 3'000, .seed = 12});
    EXPECT_EQ(first->summary, again->summary);
    const auto ledger = Ledger(*first);
    ASSERT_FALSE(ledger.empty());
    EXPECT_EQ(ledger, Ledger(*again)) << "ids, times and the clicks' Merkle roots are all equal";
    EXPECT_NE(first->summary, other->summary);
    EXPECT_NE(ledger.back().hash, Ledger(*other).back().hash);
}

TEST(DemoData, TwoRunsMakeTwoPrograms) {
    auto world = Generate({.partners = 5, .days = 3, .clicks = 200});
    world->clock.Advance(1);
    auto second = GenerateDemoData(world->deps(), world->vault, {.partners = 5, .days = 3, .clicks = 200});
    ASSERT_TRUE(second) << second.error().message();
    EXPECT_NE(second->program_id, world->summary.program_id);
    auto count = ports::Transact<int>(*world->store, ports::TxMode::kRead,
                                      [](ports::StoreTx& tx) { return tx.CountPrograms(); });
    ASSERT_TRUE(count);
    EXPECT_EQ(*count, 2);
}

TEST(DemoData, RefusesOptionsOutOfRange) {
    for (const auto& [options, field] : std::vector<std::pair<DemoOptions, std::string>>{{{.partners = 0}, "partners"},
                                                                                         {{.days = 0}, "days"},
                                                                                         {{.days = 4000}, "days"},
                                                                                         {{.clicks = -1}, "clicks"}}) {
        auto checked = CheckDemoOptions(options);
        ASSERT_FALSE(checked) << field;
        EXPECT_EQ(checked.error().code(), core::ErrorCode::kInvalid);
        ASSERT_EQ(checked.error().fields().size(), 1u);
        EXPECT_EQ(checked.error().fields().front().field, field);
    }
    EXPECT_TRUE(CheckDemoOptions({}));
    DemoWorld world;
    world.store = std::move(*storage::OpenStore("memory://"));
    EXPECT_FALSE(GenerateDemoData(world.deps(), world.vault, {.partners = 0}));
}

}  // namespace
}  // namespace rt::app
