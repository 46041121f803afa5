#include "core/rollup.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/attribution.hpp"
#include "core/report_metrics.hpp"

namespace rt::core {
namespace {

const auto kProgram = ProgramId::FromTrusted("prg_01jd0000000000000000000000");
const auto kAda = PartnerId::FromTrusted("prt_01jd0000000000000000000000");
const auto kBob = PartnerId::FromTrusted("prt_01jd0000000000000000000001");
const Day kDay = DayFromCivil(2026, 11, 2);
const TimePoint kNoon{StartOf(kDay).unix_ms + kMsPerDay / 2};

TEST(SplitByWeights, PartsAddUpExactlyAndFollowTheWeights) {
    const std::vector<std::int64_t> thirds = {333'334, 333'333, 333'333};
    EXPECT_EQ(SplitByWeights(100, thirds), (std::vector<std::int64_t>{34, 33, 33}));
    EXPECT_EQ(SplitByWeights(2, thirds), (std::vector<std::int64_t>{1, 1, 0}));
    EXPECT_EQ(SplitByWeights(-100, thirds), (std::vector<std::int64_t>{-34, -33, -33}));
    const std::vector<std::int64_t> whole = {1'000'000};
    EXPECT_EQ(SplitByWeights(12'999, whole), (std::vector<std::int64_t>{12'999}));
    const std::vector<std::int64_t> uneven = {700'000, 200'000, 100'000};
    for (std::int64_t amount : {0LL, 1LL, 9LL, 10LL, 12'345LL, 9'223'372'036LL}) {
        auto parts = SplitByWeights(amount, uneven);
        EXPECT_EQ(parts[0] + parts[1] + parts[2], amount) << amount;
        EXPECT_GE(parts[0], parts[1]) << amount;
    }
}

TEST(RollupSums, DeltasAddUpByKeyAndComeOutOnePerKeyInKeyOrder) {
    const RollupKey b{kProgram, kDay, "prt_b", "lnk_b", "click"};
    const RollupKey a{kProgram, kDay, "prt_a", "lnk_a", "click"};
    Measures one;
    one.clicks = 1;
    Measures two;
    two.clicks = 2;
    two.sales_minor = 500;
    RollupSums sums;
    AddTo(sums, std::vector<RollupDelta>{{b, one}, {a, two}});
    AddTo(sums, std::vector<RollupDelta>{{b, two}});
    const auto deltas = DeltasOf(std::move(sums));
    ASSERT_EQ(deltas.size(), 2u);
    EXPECT_EQ(deltas[0].key, a);
    EXPECT_EQ(deltas[0].add, two);
    EXPECT_EQ(deltas[1].key, b);
    EXPECT_EQ(deltas[1].add.clicks, 3);
    EXPECT_EQ(deltas[1].add.sales_minor, 500);
}

TEST(RollupSums, ManyKeysComeOutInKeyOrderWhateverTheOrderAdded) {
    // The sums are a hash map: its order is the hash's, so DeltasOf sorts. Fifty keys over two days and two
    // partners, added from the last to the first, twice.
    std::vector<RollupKey> keys;
    for (int i = 0; i < 50; ++i) {
        keys.push_back(
            {kProgram, kDay + i % 2, i % 3 == 0 ? "prt_a" : "prt_b", "lnk_" + std::to_string(100 + i), "click"});
    }
    Measures one;
    one.clicks = 1;
    RollupSums sums;
    for (int round = 0; round < 2; ++round) {
        for (auto key = keys.rbegin(); key != keys.rend(); ++key) AddTo(sums, std::vector<RollupDelta>{{*key, one}});
    }
    const auto deltas = DeltasOf(std::move(sums));
    std::sort(keys.begin(), keys.end());
    ASSERT_EQ(deltas.size(), keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
        EXPECT_EQ(deltas[i].key, keys[i]) << i;
        EXPECT_EQ(deltas[i].add.clicks, 2) << i;
    }
}

TEST(Contributions, ClicksCountOncePerKeyWithBotsApart) {
    std::vector<Click> clicks(4);
    for (auto& c : clicks) {
        c.program_id = kProgram;
        c.partner_id = kAda;
        c.link_id = LinkId::FromTrusted("lnk_a");
        c.at = kNoon;
    }
    clicks[1].unique = false;
    clicks[2].bot = true;
    clicks[3].link_id = LinkId::FromTrusted("lnk_b");
    clicks[3].at = {kNoon.unix_ms + kMsPerDay};
    const auto deltas = ContributionOfClicks(clicks);
    ASSERT_EQ(deltas.size(), 2u);
    EXPECT_EQ(deltas[0].key, (RollupKey{kProgram, kDay, kAda.str(), "lnk_a", "click"}));
    EXPECT_EQ(deltas[0].add.clicks, 2);
    EXPECT_EQ(deltas[0].add.unique_clicks, 1);
    EXPECT_EQ(deltas[0].add.bot_clicks, 1);
    EXPECT_EQ(deltas[1].key.day, kDay + 1);
    EXPECT_EQ(deltas[1].add.clicks, 1);
}

Referral AReferral() {
    Referral r;
    r.program_id = kProgram;
    r.partner_id = kAda;
    r.source = ReferralSource::kCoupon;
    r.created_at = kNoon;
    r.history = {{"", "new", kNoon}};
    return r;
}

TEST(Contributions, AReferralCountsOnItsCreationDayAndItsFunnelFollowsItsHistory) {
    auto r = AReferral();
    const auto d = ContributionOfReferral(r, "");
    EXPECT_EQ(d.key, (RollupKey{kProgram, kDay, kAda.str(), "", "coupon"}));
    EXPECT_EQ(d.add.referrals, 1);
    auto funnel = FunnelOfReferral(r, "");
    ASSERT_EQ(funnel.size(), 1u);
    EXPECT_EQ(funnel[0].key.stage, "new");
    EXPECT_EQ(funnel[0].add.entered, 1);
    EXPECT_EQ(funnel[0].add.moved_on, 0);
    // new (1 h) → qualified (2 h) → new again (3 h) → won: "new" entered once, 4 h in all.
    const std::int64_t hour = 3'600'000;
    r.history.push_back({"new", "qualified", {kNoon.unix_ms + hour}});
    r.history.push_back({"qualified", "new", {kNoon.unix_ms + 3 * hour}});
    r.history.push_back({"new", "won", {kNoon.unix_ms + 6 * hour}});
    funnel = FunnelOfReferral(r, "lnk_a");
    ASSERT_EQ(funnel.size(), 3u);
    EXPECT_EQ(funnel[0].key.stage, "new");
    EXPECT_EQ(funnel[0].add.entered, 1);
    EXPECT_EQ(funnel[0].add.moved_on, 1);
    EXPECT_NEAR(static_cast<double>(*funnel[0].add.time_in_stage.Quantile(0.5)), 4 * 3'600, 4 * 36);
    EXPECT_EQ(funnel[1].key.stage, "qualified");
    EXPECT_EQ(funnel[2].key.stage, "won");
    EXPECT_EQ(funnel[2].add.moved_on, 0);
    EXPECT_EQ(funnel[2].key.day, kDay);  // every stage on the referral's creation day
}

TEST(Contributions, ASaleSplitsOverItsCreditsAndAFirstSaleFillsTheCohort) {
    Conversion c;
    c.program_id = kProgram;
    c.amount = {10'001, Currency::FromTrusted("EUR")};
    c.occurred_at = {kNoon.unix_ms + 10 * kMsPerDay};
    c.journey_started_at = kNoon;
    c.attribution.source = AttributionSource::kClick;
    c.attribution.credits = {{kAda, 500'000, "clk_a"}, {kBob, 500'000, "clk_b"}};
    ConversionFacts facts;
    facts.credit_links = {"lnk_a", "lnk_b"};
    facts.source = "click";
    facts.commissions = {Commission{.partner_id = kAda, .amount = {1'000, c.amount.currency}},
                         Commission{.partner_id = kBob, .amount = {700, c.amount.currency}}};
    facts.first_sale_of = AReferral();
    facts.first_sale_link = "lnk_a";
    const auto deltas = ContributionOfConversion(c, facts);
    ASSERT_EQ(deltas.size(), 3u);
    EXPECT_EQ(deltas[0].key, (RollupKey{kProgram, kDay + 10, kAda.str(), "lnk_a", "click"}));
    EXPECT_EQ(deltas[0].add.conversions_ppm, 500'000);
    EXPECT_EQ(deltas[0].add.sales_minor + deltas[1].add.sales_minor, 10'001);
    EXPECT_EQ(deltas[0].add.commission_minor, 1'000);
    EXPECT_EQ(deltas[1].add.commission_minor, 700);
    EXPECT_EQ(deltas[0].add.time_to_conversion.total_weight(), 500'000);
    EXPECT_NEAR(static_cast<double>(*deltas[1].add.time_to_conversion.Quantile(0.5)), 10 * 86'400, 10 * 864);
    // The cohort cell: the referral's own day, partner, link and source; converted within 30 and 90 days.
    EXPECT_EQ(deltas[2].key, (RollupKey{kProgram, kDay, kAda.str(), "lnk_a", "coupon"}));
    EXPECT_EQ(deltas[2].add.converted, 1);
    EXPECT_EQ(deltas[2].add.converted_7d, 0);
    EXPECT_EQ(deltas[2].add.converted_30d, 1);
    EXPECT_EQ(deltas[2].add.converted_90d, 1);
    EXPECT_EQ(deltas[2].add.conversions_ppm, 0);

    c.type = ConversionType::kRefund;
    c.journey_started_at.reset();
    c.amount.amount = 3'000;
    facts.first_sale_of.reset();
    facts.commissions = {Commission{.partner_id = kAda, .amount = {-300, c.amount.currency}}};
    const auto refund = ContributionOfConversion(c, facts);
    ASSERT_EQ(refund.size(), 2u);
    EXPECT_EQ(refund[0].add.refunds_ppm, 500'000);
    EXPECT_EQ(refund[0].add.refunded_minor + refund[1].add.refunded_minor, 3'000);
    EXPECT_EQ(refund[0].add.commission_minor, -300);
    EXPECT_EQ(refund[1].add.commission_minor, 0);
    EXPECT_EQ(refund[0].add.conversions_ppm, 0);
}

TEST(Contributions, TheSourceOfACreditThroughAReferralIsTheReferralsOwn) {
    Conversion c;
    c.attribution.source = AttributionSource::kCustomer;
    EXPECT_EQ(ConversionSource(c, ReferralSource::kPartner), "partner");
    c.attribution.source = AttributionSource::kReferral;
    EXPECT_EQ(ConversionSource(c, ReferralSource::kClick), "click");
    c.attribution.source = AttributionSource::kRecurring;
    EXPECT_EQ(ConversionSource(c, ReferralSource::kClick), "recurring");
    c.attribution.source = AttributionSource::kCoupon;
    EXPECT_EQ(ConversionSource(c, std::nullopt), "coupon");
}

TEST(ReportMetrics, FollowTheirOneDefinitionAndLeaveEmptyRatiosNull) {
    const auto eur = Currency::FromTrusted("EUR");
    Measures m;
    const auto empty = MetricsOf(m, eur);
    EXPECT_FALSE(empty.click_to_referral_rate);
    EXPECT_FALSE(empty.referral_to_conversion_rate);
    EXPECT_FALSE(empty.average_deal_size);
    EXPECT_FALSE(empty.roi);
    EXPECT_FALSE(empty.epc);
    EXPECT_FALSE(empty.time_to_conversion_median_s);
    EXPECT_EQ(empty.revenue, (Money{0, eur}));

    m.clicks = 200;
    m.unique_clicks = 150;
    m.referrals = 20;
    m.converted = 5;
    m.conversions_ppm = 2'500'000;  // 2.5 sales
    m.sales_minor = 25'001;
    m.refunded_minor = 1'000;
    m.commission_minor = 2'401;
    m.time_to_conversion.Add(86'400, 1'000'000);
    const auto r = MetricsOf(m, eur);
    EXPECT_DOUBLE_EQ(r.conversions, 2.5);
    EXPECT_DOUBLE_EQ(*r.click_to_referral_rate, 0.1);
    EXPECT_DOUBLE_EQ(*r.referral_to_conversion_rate, 0.25);
    EXPECT_EQ(r.revenue.amount, 24'001);
    EXPECT_EQ(r.average_deal_size->amount, 10'000);  // 25001 / 2.5 = 10000.4
    EXPECT_EQ(r.commission.amount, 2'401);
    EXPECT_DOUBLE_EQ(*r.roi, (24'001.0 - 2'401.0) / 2'401.0);
    EXPECT_EQ(r.epc->amount, 12);  // 2401 / 200 = 12.005 → 12
    EXPECT_NEAR(static_cast<double>(*r.time_to_conversion_median_s), 86'400, 864);

    CohortMetrics cohort = CohortOf(m);
    EXPECT_DOUBLE_EQ(*cohort.share, 0.25);
    EXPECT_DOUBLE_EQ(*cohort.share_7d, 0.0);
    FunnelMeasures f;
    f.entered = 4;
    f.moved_on = 3;
    EXPECT_DOUBLE_EQ(*StageOf(f).moved_on_rate, 0.75);
    EXPECT_FALSE(StageOf(f).time_in_stage_median_s);
}

}  // namespace
}  // namespace rt::core
