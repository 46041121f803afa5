#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/calendar.hpp"
#include "core/click.hpp"
#include "core/conversion.hpp"
#include "core/duration_sketch.hpp"
#include "core/ids.hpp"
#include "core/referral.hpp"

namespace rt::core {

// REPORT ROLLUPS. Reports never scan raw clicks: every write adds its contribution to a few rollup
// cells in the same transaction, and reports add up cells. A cell is one day of one partner's
// traffic through one link from one source. Campaign and channel are attributes of the link, looked
// up when a report runs, so a link's campaign applies to its whole history.
//
// `source` says how the traffic or the credit came:
//   clicks            "click"
//   referrals         the referral's source: "click", "coupon", "partner" (a registered deal), "api"
//   sales and refunds the credited referral's source when the credit came through a referral (the
//                     referral named, or found from the customer's history); otherwise the attribution
//                     source: "click", "coupon" or "recurring"
// Unattributed conversions belong to no partner and are in no cell.
struct RollupKey {
    ProgramId program_id;
    Day day = 0;             // of the click, the referral's creation, or the conversion's occurred_at
    std::string partner_id;  // never empty
    std::string link_id;     // "" when the event came through no link
    std::string source;

    auto operator<=>(const RollupKey&) const = default;
};

// What a cell counts. All additive; money in minor units of the program's currency.
struct Measures {
    std::int64_t clicks = 0;         // not bots
    std::int64_t unique_clicks = 0;  // not bots, first visit of the visitor through the link within the hour
    std::int64_t bot_clicks = 0;
    std::int64_t referrals = 0;         // created that day
    std::int64_t conversions_ppm = 0;   // credited sales in millionths: a linear credit of 1/2 adds 500'000
    std::int64_t refunds_ppm = 0;       // credited refunds, likewise
    std::int64_t sales_minor = 0;       // the credited share of sale amounts
    std::int64_t refunded_minor = 0;    // the credited share of refund amounts
    std::int64_t commission_minor = 0;  // commissions less reversals
    DurationSketch time_to_conversion;  // seconds, weighted by credit in ppm; see ConversionFacts
    // The cohort of the referrals created that day (counted in `referrals`): how many reached their
    // first sale at all, and within 7, 30 and 90 days of their creation.
    std::int64_t converted = 0;
    std::int64_t converted_7d = 0;
    std::int64_t converted_30d = 0;
    std::int64_t converted_90d = 0;

    Measures& operator+=(const Measures& other);
    Measures& operator-=(const Measures& other);
    bool IsZero() const;
    bool operator==(const Measures&) const = default;
};

struct RollupDelta {
    RollupKey key;
    Measures add;
};

// Not noexcept, like std::hash<Id> (core/ids.hpp): the container then stores each node's hash code.
struct RollupKeyHash {
    std::size_t operator()(const RollupKey& key) const;
};

// Deltas added up by key: AddTo adds `deltas` into `sums`; DeltasOf turns the sums into one delta per key, in
// key order. (An epoch's rows, a transaction's pending rows.) A hash map: an epoch adds ~100,000 click deltas
// into ~10,000 cells at 10,000 links, and a tree walked 13 levels of string compares for each one.
using RollupSums = std::unordered_map<RollupKey, Measures, RollupKeyHash>;
void AddTo(RollupSums& sums, std::span<const RollupDelta> deltas);
std::vector<RollupDelta> DeltasOf(RollupSums sums);

// Deltas written by one transaction and not yet added to their cells (ports::StoreTx::AddPendingRollups).
struct PendingRollups {
    std::int64_t seq = 0;  // the program's event seq of the transaction that wrote them
    std::vector<RollupDelta> deltas;
};

struct RollupCell {
    RollupKey key;
    Measures measures;
    std::int64_t version = 0;  // the program's event seq of the last write to the cell
    // The through_seq of the last epoch of pending rollups added to the cell (ports::StoreTx::AddEpochRollups);
    // 0 when none.
    std::int64_t rolled_through = 0;
};

// The funnel: one cell per day of referral creation, partner, link, source and stage.
struct FunnelKey {
    ProgramId program_id;
    Day day = 0;  // the referral's creation
    std::string partner_id;
    std::string link_id;
    std::string source;
    std::string stage;

    auto operator<=>(const FunnelKey&) const = default;
};

struct FunnelMeasures {
    std::int64_t entered = 0;      // referrals that entered the stage
    std::int64_t moved_on = 0;     // ... and later left it for another stage
    DurationSketch time_in_stage;  // seconds spent in the stage by those that moved on (weight 1 each)

    FunnelMeasures& operator+=(const FunnelMeasures& other);
    FunnelMeasures& operator-=(const FunnelMeasures& other);
    bool IsZero() const;
    bool operator==(const FunnelMeasures&) const = default;
};

struct FunnelDelta {
    FunnelKey key;
    FunnelMeasures add;
};

struct FunnelCell {
    FunnelKey key;
    FunnelMeasures measures;
    std::int64_t version = 0;
};

// "prg_… 2026-11-02 partner=prt_… link=lnk_… source=click [stage=won]" ("-" for no link): ids and
// names of the schema only, so logs and messages may show it.
std::string Describe(const RollupKey& key);
std::string Describe(const FunnelKey& key);

// --- Contributions: what each record adds. The write path and `rollups rebuild` both use these, so a
// rebuild from raw rows equals what the writes maintained.

// One delta per distinct key of the batch (source "click", the click's own link).
std::vector<RollupDelta> ContributionOfClicks(std::span<const Click> clicks);

// A new referral: referrals += 1 on its creation day. `link_id` is its click's link ("" when none).
RollupDelta ContributionOfReferral(const Referral& referral, const std::string& link_id);

// The funnel cells a referral's stage history adds: for each distinct stage it entered, entered 1;
// moved_on 1 when it later left that stage, with the time spent there (all its visits summed). A
// stage change adds Funnel(new) − Funnel(old).
std::vector<FunnelDelta> FunnelOfReferral(const Referral& referral, const std::string& link_id);

// What the app resolved about a conversion (a sale or a refund).
struct ConversionFacts {
    std::vector<std::string> credit_links;  // per credit of conversion.attribution, its link ("" none)
    std::string source;                     // the rollup source, as described above
    std::vector<Commission> commissions;    // the conversion's own commissions (and reversals)
    // A sale that is its referral's first: the referral, whose cohort cell counts the conversion.
    std::optional<Referral> first_sale_of;
    std::string first_sale_link;  // that referral's link ("" none)
};

// Per credit: conversions/refunds += weight; the amount split over the credits by weight (largest
// remainder, so the parts add up to the amount); the partner's commissions of the conversion; for a
// sale with journey_started_at, time to conversion = occurred_at − journey_started_at (in seconds,
// weighted). A referral's first sale also adds to the referral's cohort cell.
std::vector<RollupDelta> ContributionOfConversion(const Conversion& conversion, const ConversionFacts& facts);

// `amount` split by `weights_ppm` (summing to kFullWeightPpm) so that the parts add up exactly:
// each part floored, the remainder handed out one unit at a time by largest fraction, then index.
std::vector<std::int64_t> SplitByWeights(std::int64_t amount, std::span<const std::int64_t> weights_ppm);

// The rollup source of a conversion (see RollupKey) given its credited referral's source, if any.
std::string ConversionSource(const Conversion& conversion, const std::optional<ReferralSource>& referral_source);

}  // namespace rt::core
