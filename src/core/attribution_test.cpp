#include "core/attribution.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <random>
#include <string>
#include <vector>

namespace rt::core {
namespace {

using M = AttributionModel;
using S = AttributionSource;

constexpr std::int64_t kHour = 60LL * 60 * 1000;
constexpr std::int64_t kDay = 24 * kHour;
const TimePoint kConversion{1'795'514'400'000};  // 2026-11-24T10:00:00.000Z

PartnerId P(char letter) { return PartnerId::FromTrusted(std::string("prt_") + letter); }

// `ms` before the conversion (after it when negative).
TimePoint Ago(std::int64_t ms) { return {kConversion.unix_ms - ms}; }

Touch T(char partner, std::string click_id, TimePoint at) { return {P(partner), std::move(click_id), at}; }

AttributionEvidence Clicks(std::vector<Touch> clicks) { return {.click_named = true, .clicks = std::move(clicks)}; }

struct Want {
    char partner;
    std::int64_t ppm;
    std::string click_id;
};

struct Row {
    std::string name;
    M model;
    int window_days;
    AttributionEvidence evidence;
    S source;
    std::vector<Want> credits;
    std::int64_t half_life_ms = kTimeDecayHalfLifeMs;
};

void PrintTo(const Row& row, std::ostream* os) { *os << row.name; }

std::string Describe(const std::vector<Credit>& credits) {
    std::string out;
    for (const Credit& c : credits)
        out += c.partner_id.str() + ":" + std::to_string(c.weight_ppm) + ":" + c.click_id + " ";
    return out;
}

std::vector<Row> PrecedenceRows() {
    const AttributionEvidence everything{.referral_partner = P('b'),
                                         .sticky_partner = P('c'),
                                         .click_named = true,
                                         .clicks = {T('a', "c1", Ago(kDay))},
                                         .coupon_partner = P('d'),
                                         .history_partner = P('e')};
    auto without_referral = everything;
    without_referral.referral_partner.reset();
    auto without_sticky = without_referral;
    without_sticky.sticky_partner.reset();
    return {
        {"ReferralOutranksEverything", M::kLastClick, 30, everything, S::kReferral, {{'b', 1'000'000, ""}}},
        {"ReferralAlone", M::kLinear, 30, {.referral_partner = P('b')}, S::kReferral, {{'b', 1'000'000, ""}}},
        {"StickyOutranksClickCouponHistory",
         M::kLastClick,
         30,
         without_referral,
         S::kRecurring,
         {{'c', 1'000'000, ""}}},
        {"StickyAlone", M::kLastClick, 30, {.sticky_partner = P('c')}, S::kRecurring, {{'c', 1'000'000, ""}}},
        {"ClickOutranksCouponAndHistory", M::kLastClick, 30, without_sticky, S::kClick, {{'a', 1'000'000, "c1"}}},
        {"CouponOutranksHistory",
         M::kLastClick,
         30,
         {.coupon_partner = P('d'), .history_partner = P('e')},
         S::kCoupon,
         {{'d', 1'000'000, ""}}},
        {"HistoryAlone", M::kLastClick, 30, {.history_partner = P('e')}, S::kCustomer, {{'e', 1'000'000, ""}}},
        {"NothingIsUnattributed", M::kLastClick, 30, {}, S::kNone, {}},
        {"NamedClickOutsideWindowFallsToCoupon",
         M::kLastClick,
         30,
         {.click_named = true,
          .clicks = {T('a', "c1", Ago(31 * kDay))},
          .coupon_partner = P('d'),
          .history_partner = P('e')},
         S::kCoupon,
         {{'d', 1'000'000, ""}}},
        {"NamedClickOnlyAfterConversionFallsToHistory",
         M::kLastClick,
         30,
         {.click_named = true, .clicks = {T('a', "c1", Ago(-1))}, .history_partner = P('e')},
         S::kCustomer,
         {{'e', 1'000'000, ""}}},
        {"NamedClickWithoutClicksIsUnattributed", M::kLastClick, 30, Clicks({}), S::kNone, {}},
        {"UnnamedClicksAreIgnored",
         M::kLastClick,
         30,
         {.click_named = false, .clicks = {T('a', "c1", Ago(kDay))}, .coupon_partner = P('d')},
         S::kCoupon,
         {{'d', 1'000'000, ""}}},
        {"UnnamedClicksAloneAreUnattributed",
         M::kLastClick,
         30,
         {.click_named = false, .clicks = {T('a', "c1", Ago(kDay))}},
         S::kNone,
         {}},
        {"ModelDoesNotSplitNonClickCredit",
         M::kTimeDecay,
         30,
         {.coupon_partner = P('d')},
         S::kCoupon,
         {{'d', 1'000'000, ""}}},
    };
}

std::vector<Row> WindowRows() {
    return {
        {"WindowStartIsExcluded",
         M::kLastClick,
         30,
         {.click_named = true, .clicks = {T('a', "c1", Ago(30 * kDay))}, .coupon_partner = P('d')},
         S::kCoupon,
         {{'d', 1'000'000, ""}}},
        {"OneMsInsideWindowStartCounts",
         M::kLastClick,
         30,
         Clicks({T('a', "c1", Ago(30 * kDay - 1))}),
         S::kClick,
         {{'a', 1'000'000, "c1"}}},
        {"ClickAtConversionTimeCounts",
         M::kLastClick,
         30,
         Clicks({T('a', "c1", kConversion)}),
         S::kClick,
         {{'a', 1'000'000, "c1"}}},
        {"ClickOneMsAfterConversionNeverCounts",
         M::kLastClick,
         30,
         Clicks({T('b', "c1", Ago(kDay)), T('a', "c2", Ago(-1))}),
         S::kClick,
         {{'b', 1'000'000, "c1"}}},
        {"FirstClickSkipsClickAtWindowStart",
         M::kFirstClick,
         30,
         Clicks({T('a', "c1", Ago(30 * kDay)), T('b', "c2", Ago(30 * kDay - 1)), T('c', "c3", Ago(kDay))}),
         S::kClick,
         {{'b', 1'000'000, "c2"}}},
        {"OneDayWindow",
         M::kFirstClick,
         1,
         Clicks({T('a', "c1", Ago(kDay)), T('b', "c2", Ago(23 * kHour)), T('c', "c3", Ago(kHour))}),
         S::kClick,
         {{'b', 1'000'000, "c2"}}},
        {"NinetyDayWindow",
         M::kFirstClick,
         90,
         Clicks({T('a', "c1", Ago(91 * kDay)), T('b', "c2", Ago(89 * kDay)), T('c', "c3", Ago(kDay))}),
         S::kClick,
         {{'b', 1'000'000, "c2"}}},
        {"MaxWindow",
         M::kFirstClick,
         365,
         Clicks({T('a', "c1", Ago(365 * kDay)), T('b', "c2", Ago(364 * kDay)), T('c', "c3", Ago(kDay))}),
         S::kClick,
         {{'b', 1'000'000, "c2"}}},
        // a's click after the conversion is neither weighed nor named as a's click id.
        {"ClickIdIgnoresClickAfterConversion",
         M::kLinear,
         30,
         Clicks({T('a', "c1", Ago(5 * kDay)), T('a', "c9", Ago(-kHour)), T('b', "c2", Ago(2 * kDay))}),
         S::kClick,
         {{'a', 500'000, "c1"}, {'b', 500'000, "c2"}}},
    };
}

std::vector<Row> FirstLastRows() {
    return {
        {"FirstClickManyPartners",
         M::kFirstClick,
         30,
         Clicks({T('a', "c1", Ago(10 * kDay)), T('b', "c2", Ago(5 * kDay)), T('c', "c3", Ago(kDay))}),
         S::kClick,
         {{'a', 1'000'000, "c1"}}},
        {"FirstClickCarriesPartnersLatestClickId",
         M::kFirstClick,
         30,
         Clicks({T('a', "c1", Ago(10 * kDay)), T('b', "c2", Ago(5 * kDay)), T('a', "c3", Ago(2 * kDay))}),
         S::kClick,
         {{'a', 1'000'000, "c3"}}},
        {"FirstClickInputOrderIrrelevant",
         M::kFirstClick,
         30,
         Clicks({T('c', "c3", Ago(kDay)), T('a', "c1", Ago(10 * kDay)), T('b', "c2", Ago(5 * kDay))}),
         S::kClick,
         {{'a', 1'000'000, "c1"}}},
        // Click ids are time-ordered: within one millisecond the lower id came first.
        {"FirstClickSameMsTieBrokenByClickId",
         M::kFirstClick,
         30,
         Clicks({T('b', "c2", Ago(5 * kDay)), T('a', "c1", Ago(5 * kDay))}),
         S::kClick,
         {{'a', 1'000'000, "c1"}}},
        {"LastClickManyPartners",
         M::kLastClick,
         30,
         Clicks({T('a', "c1", Ago(10 * kDay)), T('b', "c2", Ago(5 * kDay)), T('c', "c3", Ago(kDay))}),
         S::kClick,
         {{'c', 1'000'000, "c3"}}},
        {"LastClickSingleClick",
         M::kLastClick,
         30,
         Clicks({T('a', "c1", Ago(3 * kDay))}),
         S::kClick,
         {{'a', 1'000'000, "c1"}}},
        {"LastClickEarlierPartnerReturns",
         M::kLastClick,
         30,
         Clicks({T('a', "c1", Ago(10 * kDay)), T('b', "c2", Ago(5 * kDay)), T('a', "c3", Ago(2 * kDay))}),
         S::kClick,
         {{'a', 1'000'000, "c3"}}},
        {"LastClickSameMsTieBrokenByClickId",
         M::kLastClick,
         30,
         Clicks({T('b', "c2", Ago(5 * kDay)), T('a', "c1", Ago(5 * kDay))}),
         S::kClick,
         {{'b', 1'000'000, "c2"}}},
    };
}

std::vector<Row> LinearRows() {
    return {
        {"LinearOnePartnerManyClicks",
         M::kLinear,
         30,
         Clicks({T('a', "c1", Ago(3 * kDay)), T('a', "c2", Ago(2 * kDay)), T('a', "c3", Ago(kDay))}),
         S::kClick,
         {{'a', 1'000'000, "c3"}}},
        {"LinearTwoPartners",
         M::kLinear,
         30,
         Clicks({T('a', "c1", Ago(10 * kDay)), T('b', "c2", Ago(5 * kDay))}),
         S::kClick,
         {{'a', 500'000, "c1"}, {'b', 500'000, "c2"}}},
        // 1e6 / 3 = 333333.33 each: the missing 1 ppm goes to the first credit on the tie.
        {"LinearThreePartnersFirstGetsRemainder",
         M::kLinear,
         30,
         Clicks({T('a', "c1", Ago(10 * kDay)), T('b', "c2", Ago(5 * kDay)), T('c', "c3", Ago(kDay))}),
         S::kClick,
         {{'a', 333'334, "c1"}, {'b', 333'333, "c2"}, {'c', 333'333, "c3"}}},
        {"LinearCreditsOrderedByFirstTouchNotId",
         M::kLinear,
         30,
         Clicks({T('c', "c1", Ago(10 * kDay)), T('a', "c2", Ago(5 * kDay)), T('b', "c3", Ago(kDay))}),
         S::kClick,
         {{'c', 333'334, "c1"}, {'a', 333'333, "c2"}, {'b', 333'333, "c3"}}},
        {"LinearSameFirstTouchOrderedByPartnerId",
         M::kLinear,
         30,
         Clicks({T('b', "c1", Ago(5 * kDay)), T('a', "c2", Ago(5 * kDay)), T('c', "c3", Ago(kDay))}),
         S::kClick,
         {{'a', 333'334, "c2"}, {'b', 333'333, "c1"}, {'c', 333'333, "c3"}}},
        {"LinearRepeatedClicksCountOnce",
         M::kLinear,
         30,
         Clicks({T('a', "c1", Ago(10 * kDay)), T('a', "c2", Ago(9 * kDay)), T('a', "c3", Ago(8 * kDay)),
                 T('b', "c4", Ago(kDay))}),
         S::kClick,
         {{'a', 500'000, "c3"}, {'b', 500'000, "c4"}}},
        // 1e6 / 7 = 142857.14 each; 7 × 142857 = 999999.
        {"LinearSevenPartners",
         M::kLinear,
         30,
         Clicks({T('a', "c1", Ago(7 * kDay)), T('b', "c2", Ago(6 * kDay)), T('c', "c3", Ago(5 * kDay)),
                 T('d', "c4", Ago(4 * kDay)), T('e', "c5", Ago(3 * kDay)), T('f', "c6", Ago(2 * kDay)),
                 T('g', "c7", Ago(kDay))}),
         S::kClick,
         {{'a', 142'858, "c1"},
          {'b', 142'857, "c2"},
          {'c', 142'857, "c3"},
          {'d', 142'857, "c4"},
          {'e', 142'857, "c5"},
          {'f', 142'857, "c6"},
          {'g', 142'857, "c7"}}},
    };
}

std::vector<Row> PositionRows() {
    return {
        {"PositionOneTouch",
         M::kPositionBased,
         30,
         Clicks({T('a', "c1", Ago(kDay))}),
         S::kClick,
         {{'a', 1'000'000, "c1"}}},
        {"PositionTwoTouchesSplitEvenly",
         M::kPositionBased,
         30,
         Clicks({T('a', "c1", Ago(10 * kDay)), T('b', "c2", Ago(kDay))}),
         S::kClick,
         {{'a', 500'000, "c1"}, {'b', 500'000, "c2"}}},
        {"PositionTwoTouchesSamePartner",
         M::kPositionBased,
         30,
         Clicks({T('a', "c1", Ago(10 * kDay)), T('a', "c2", Ago(kDay))}),
         S::kClick,
         {{'a', 1'000'000, "c2"}}},
        {"PositionThreeTouches",
         M::kPositionBased,
         30,
         Clicks({T('a', "c1", Ago(10 * kDay)), T('b', "c2", Ago(5 * kDay)), T('c', "c3", Ago(kDay))}),
         S::kClick,
         {{'a', 400'000, "c1"}, {'b', 200'000, "c2"}, {'c', 400'000, "c3"}}},
        {"PositionFourTouches",
         M::kPositionBased,
         30,
         Clicks({T('a', "c1", Ago(10 * kDay)), T('b', "c2", Ago(7 * kDay)), T('c', "c3", Ago(4 * kDay)),
                 T('d', "c4", Ago(kDay))}),
         S::kClick,
         {{'a', 400'000, "c1"}, {'b', 100'000, "c2"}, {'c', 100'000, "c3"}, {'d', 400'000, "c4"}}},
        // The middle 20% over three partners: 66666.67 each; the 2 missing ppm go to b and c (ties, in order).
        {"PositionFiveTouchesDistinct",
         M::kPositionBased,
         30,
         Clicks({T('a', "c1", Ago(10 * kDay)), T('b', "c2", Ago(8 * kDay)), T('c', "c3", Ago(6 * kDay)),
                 T('d', "c4", Ago(4 * kDay)), T('e', "c5", Ago(2 * kDay))}),
         S::kClick,
         {{'a', 400'000, "c1"}, {'b', 66'667, "c2"}, {'c', 66'667, "c3"}, {'d', 66'666, "c4"}, {'e', 400'000, "c5"}}},
        // a b a b c: first a 40%, last c 40%, middle partners {b, a} 10% each → a 50, b 10, c 40.
        {"PositionFiveTouchesWithRepeats",
         M::kPositionBased,
         30,
         Clicks({T('a', "c1", Ago(10 * kDay)), T('b', "c2", Ago(8 * kDay)), T('a', "c3", Ago(6 * kDay)),
                 T('b', "c4", Ago(4 * kDay)), T('c', "c5", Ago(2 * kDay))}),
         S::kClick,
         {{'a', 500'000, "c3"}, {'b', 100'000, "c4"}, {'c', 400'000, "c5"}}},
        {"PositionFirstAndLastSamePartner",
         M::kPositionBased,
         30,
         Clicks({T('a', "c1", Ago(10 * kDay)), T('b', "c2", Ago(5 * kDay)), T('a', "c3", Ago(kDay))}),
         S::kClick,
         {{'a', 800'000, "c3"}, {'b', 200'000, "c2"}}},
        {"PositionMiddlePartnerRepeatedCountsOnce",
         M::kPositionBased,
         30,
         Clicks({T('a', "c1", Ago(10 * kDay)), T('b', "c2", Ago(8 * kDay)), T('b', "c3", Ago(6 * kDay)),
                 T('b', "c4", Ago(4 * kDay)), T('c', "c5", Ago(2 * kDay))}),
         S::kClick,
         {{'a', 400'000, "c1"}, {'b', 200'000, "c4"}, {'c', 400'000, "c5"}}},
        // a a a b: first a 40%, last b 40%, middle partners {a} 20% → a 60, b 40.
        {"PositionFirstPartnerRepeatsIntoMiddle",
         M::kPositionBased,
         30,
         Clicks({T('a', "c1", Ago(10 * kDay)), T('a', "c2", Ago(5 * kDay)), T('a', "c3", Ago(3 * kDay)),
                 T('b', "c4", Ago(kDay))}),
         S::kClick,
         {{'a', 600'000, "c3"}, {'b', 400'000, "c4"}}},
    };
}

std::vector<Row> TimeDecayRows() {
    return {
        {"DecayOnePartner",
         M::kTimeDecay,
         30,
         Clicks({T('a', "c1", Ago(5 * kDay)), T('a', "c2", Ago(3 * kDay))}),
         S::kClick,
         {{'a', 1'000'000, "c2"}}},
        {"DecayEqualAgesSplitEvenly",
         M::kTimeDecay,
         30,
         Clicks({T('b', "c1", Ago(3 * kDay)), T('a', "c2", Ago(3 * kDay))}),
         S::kClick,
         {{'a', 500'000, "c2"}, {'b', 500'000, "c1"}}},
        // Weights 2^-1 : 2^0 = 1 : 2 → 333333.33 and 666666.67; the missing 1 ppm to the larger remainder, b.
        {"DecayOneHalfLifeApart",
         M::kTimeDecay,
         30,
         Clicks({T('a', "c1", Ago(7 * kDay)), T('b', "c2", kConversion)}),
         S::kClick,
         {{'a', 333'333, "c1"}, {'b', 666'667, "c2"}}},
        // 2^-2 : 2^0 = 1 : 4 → exactly 200000 and 800000.
        {"DecayTwoHalfLivesApart",
         M::kTimeDecay,
         30,
         Clicks({T('a', "c1", Ago(14 * kDay)), T('b', "c2", kConversion)}),
         S::kClick,
         {{'a', 200'000, "c1"}, {'b', 800'000, "c2"}}},
        // 0.25 : 0.5 : 1 over 1.75 → 142857.14, 285714.29, 571428.57; the missing 1 ppm to a (.57).
        {"DecayThreePartners",
         M::kTimeDecay,
         30,
         Clicks({T('c', "c1", Ago(14 * kDay)), T('b', "c2", Ago(7 * kDay)), T('a', "c3", kConversion)}),
         S::kClick,
         {{'c', 142'857, "c1"}, {'b', 285'714, "c2"}, {'a', 571'429, "c3"}}},
        // 2^(-8/7) : 2^(-1/7) is still 1 : 2: only the ages' difference matters after normalizing.
        {"DecaySharesDependOnAgeDifference",
         M::kTimeDecay,
         30,
         Clicks({T('a', "c1", Ago(8 * kDay)), T('b', "c2", Ago(kDay))}),
         S::kClick,
         {{'a', 333'333, "c1"}, {'b', 666'667, "c2"}}},
        // a: 0.5 + 0.5 = 1, b: 1 → even.
        {"DecayRepeatedClicksSummed",
         M::kTimeDecay,
         30,
         Clicks({T('a', "c1", Ago(7 * kDay)), T('a', "c2", Ago(7 * kDay)), T('b', "c3", kConversion)}),
         S::kClick,
         {{'a', 500'000, "c2"}, {'b', 500'000, "c3"}}},
        // 2^-0.5 : 1 = 0.70711 : 1 → 414213.56 and 585786.44; the missing 1 ppm to a.
        {"DecayHalfAHalfLifeApart",
         M::kTimeDecay,
         30,
         Clicks({T('a', "c1", Ago(7 * kDay)), T('b', "c2", Ago(3 * kDay + 12 * kHour))}),
         S::kClick,
         {{'a', 414'214, "c1"}, {'b', 585'786, "c2"}}},
        {"DecayCustomHalfLife",
         M::kTimeDecay,
         30,
         Clicks({T('a', "c1", Ago(kDay)), T('b', "c2", kConversion)}),
         S::kClick,
         {{'a', 333'333, "c1"}, {'b', 666'667, "c2"}},
         kDay},
        {"DecayNonPositiveHalfLifeMeansDefault",
         M::kTimeDecay,
         30,
         Clicks({T('a', "c1", Ago(7 * kDay)), T('b', "c2", kConversion)}),
         S::kClick,
         {{'a', 333'333, "c1"}, {'b', 666'667, "c2"}},
         0},
    };
}

std::vector<Row> AllRows() {
    std::vector<Row> rows;
    for (auto part : {PrecedenceRows(), WindowRows(), FirstLastRows(), LinearRows(), PositionRows(), TimeDecayRows()}) {
        rows.insert(rows.end(), part.begin(), part.end());
    }
    return rows;
}

class AttributeTable : public ::testing::TestWithParam<Row> {};

TEST_P(AttributeTable, CreditsAsExpected) {
    const Row& row = GetParam();
    const Attribution got =
        Attribute(AttributionSettings{row.model, row.window_days}, kConversion, row.evidence, row.half_life_ms);
    std::vector<Credit> want;
    for (const Want& w : row.credits) want.push_back({P(w.partner), w.ppm, w.click_id});
    EXPECT_EQ(ToString(got.source), ToString(row.source));
    EXPECT_EQ(got.model, row.model);
    EXPECT_EQ(Describe(got.credits), Describe(want));
}

INSTANTIATE_TEST_SUITE_P(Rows, AttributeTable, ::testing::ValuesIn(AllRows()),
                         [](const ::testing::TestParamInfo<Row>& info) { return info.param.name; });

TEST(Attribute, HasAtLeastThirtyFiveRows) { EXPECT_GE(AllRows().size(), 35u); }

TEST(AttributionSource, ToStringNamesEverySource) {
    const std::pair<S, std::string_view> rows[] = {{S::kReferral, "referral"}, {S::kRecurring, "recurring"},
                                                   {S::kClick, "click"},       {S::kCoupon, "coupon"},
                                                   {S::kCustomer, "customer"}, {S::kNone, "none"}};
    for (const auto& [source, name] : rows) EXPECT_EQ(ToString(source), name);
}

// The invariants of every click attribution, over random visitors.
void ExpectWellFormed(const Attribution& got, const AttributionSettings& settings, const std::vector<Touch>& clicks) {
    const auto in_window = [&](const Touch& t) {
        return t.at > Ago(std::int64_t{settings.window_days} * kDay) && t.at <= kConversion;
    };
    const bool any = std::any_of(clicks.begin(), clicks.end(), in_window);
    ASSERT_EQ(got.source, any ? S::kClick : S::kNone);
    ASSERT_EQ(got.credits.empty(), !any);
    if (!any) return;
    std::int64_t sum = 0;
    TimePoint previous_first{INT64_MIN};
    for (const Credit& credit : got.credits) {
        EXPECT_GT(credit.weight_ppm, 0);
        sum += credit.weight_ppm;
        std::vector<const Touch*> own;
        for (const Touch& t : clicks) {
            if (t.partner_id == credit.partner_id && in_window(t)) own.push_back(&t);
        }
        ASSERT_FALSE(own.empty()) << credit.partner_id.str() << " has no click in the window";
        const auto by_time = [](const Touch* a, const Touch* b) { return a->at < b->at; };
        EXPECT_EQ(credit.click_id, (*std::max_element(own.begin(), own.end(), by_time))->click_id);
        const TimePoint first = (*std::min_element(own.begin(), own.end(), by_time))->at;
        EXPECT_LE(previous_first, first) << "credits out of first-touch order";
        previous_first = first;
    }
    EXPECT_EQ(sum, kFullWeightPpm);
    if (settings.model == M::kFirstClick || settings.model == M::kLastClick) {
        EXPECT_EQ(got.credits.size(), 1u);
    }
}

TEST(Attribute, WeightsAlwaysSumToOneMillion) {
    std::mt19937 random(20261124);
    const M models[] = {M::kFirstClick, M::kLastClick, M::kLinear, M::kPositionBased, M::kTimeDecay};
    const std::int64_t half_lives[] = {kHour, kDay, kTimeDecayHalfLifeMs, 30 * kDay};
    for (int i = 0; i < 3000; ++i) {
        const AttributionSettings settings{models[random() % 5], static_cast<int>(1 + random() % 60)};
        std::vector<Touch> clicks(random() % 12);
        for (std::size_t c = 0; c < clicks.size(); ++c) {
            // Distinct times, so "latest click" in the check does not depend on the click-id tie rule.
            const std::int64_t ago = std::uniform_int_distribution<std::int64_t>(-2 * kDay, 62 * kDay)(random);
            const std::int64_t distinct = ago / 16 * 16 + static_cast<std::int64_t>(c);
            clicks[c] = T(static_cast<char>('a' + random() % 6), "c" + std::to_string(c), Ago(distinct));
        }
        SCOPED_TRACE("iteration " + std::to_string(i));
        const Attribution got =
            Attribute(settings, kConversion, Clicks(clicks), half_lives[static_cast<std::size_t>(random() % 4)]);
        ExpectWellFormed(got, settings, clicks);
        if (HasFatalFailure()) return;
    }
}

}  // namespace
}  // namespace rt::core
