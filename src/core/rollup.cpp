#include "core/rollup.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>
#include <string_view>
#include <utility>

#include "core/attribution.hpp"
#include "core/rounding.hpp"

namespace rt::core {

namespace {

constexpr std::int64_t kSecondsPerDay = 86'400;

template <class M, class F>
void Each(M& a, const M& b, F&& op) {
    op(a.clicks, b.clicks);
    op(a.unique_clicks, b.unique_clicks);
    op(a.bot_clicks, b.bot_clicks);
    op(a.referrals, b.referrals);
    op(a.conversions_ppm, b.conversions_ppm);
    op(a.refunds_ppm, b.refunds_ppm);
    op(a.sales_minor, b.sales_minor);
    op(a.refunded_minor, b.refunded_minor);
    op(a.commission_minor, b.commission_minor);
    op(a.converted, b.converted);
    op(a.converted_7d, b.converted_7d);
    op(a.converted_30d, b.converted_30d);
    op(a.converted_90d, b.converted_90d);
}

// Whole seconds from `from` to `to`, never negative.
std::int64_t Seconds(TimePoint from, TimePoint to) {
    return std::max<std::int64_t>(0, (to.unix_ms - from.unix_ms) / 1000);
}

}  // namespace

Measures& Measures::operator+=(const Measures& other) {
    Each(*this, other, [](std::int64_t& x, std::int64_t y) { x += y; });
    time_to_conversion.Merge(other.time_to_conversion);
    return *this;
}

Measures& Measures::operator-=(const Measures& other) {
    Each(*this, other, [](std::int64_t& x, std::int64_t y) { x -= y; });
    time_to_conversion.Subtract(other.time_to_conversion);
    return *this;
}

bool Measures::IsZero() const { return *this == Measures{}; }

FunnelMeasures& FunnelMeasures::operator+=(const FunnelMeasures& other) {
    entered += other.entered;
    moved_on += other.moved_on;
    time_in_stage.Merge(other.time_in_stage);
    return *this;
}

FunnelMeasures& FunnelMeasures::operator-=(const FunnelMeasures& other) {
    entered -= other.entered;
    moved_on -= other.moved_on;
    time_in_stage.Subtract(other.time_in_stage);
    return *this;
}

bool FunnelMeasures::IsZero() const { return *this == FunnelMeasures{}; }

std::string Describe(const RollupKey& k) {
    return k.program_id.str() + " " + FormatDate(k.day) + " partner=" + k.partner_id +
           " link=" + (k.link_id.empty() ? "-" : k.link_id) + " source=" + k.source;
}

std::string Describe(const FunnelKey& k) {
    return Describe(RollupKey{k.program_id, k.day, k.partner_id, k.link_id, k.source}) + " stage=" + k.stage;
}

std::vector<RollupDelta> ContributionOfClicks(std::span<const Click> clicks) {
    // Counted by reference to the click's ids first (a batch has a few clicks per cell), so a cell's key
    // strings are made once per cell, not once per click. The order is RollupKey's: ids compare as their text.
    struct CellOf {
        const Click* click;
        Day day;
        bool operator<(const CellOf& o) const {
            if (auto c = click->program_id <=> o.click->program_id; c != 0) return c < 0;
            if (day != o.day) return day < o.day;
            if (auto c = click->partner_id <=> o.click->partner_id; c != 0) return c < 0;
            return click->link_id < o.click->link_id;
        }
    };
    std::map<CellOf, Measures> cells;
    for (const auto& c : clicks) {
        auto& m = cells[CellOf{&c, DayOf(c.at)}];
        if (c.bot) {
            ++m.bot_clicks;
        } else {
            ++m.clicks;
            if (c.unique) ++m.unique_clicks;
        }
    }
    std::vector<RollupDelta> out;
    out.reserve(cells.size());
    for (auto& [cell, m] : cells) {
        out.push_back({RollupKey{cell.click->program_id, cell.day, cell.click->partner_id.str(),
                                 cell.click->link_id.str(), "click"},
                       std::move(m)});
    }
    return out;
}

RollupDelta ContributionOfReferral(const Referral& referral, const std::string& link_id) {
    RollupDelta d{{referral.program_id, DayOf(referral.created_at), referral.partner_id.str(), link_id,
                   std::string(ToString(referral.source))},
                  {}};
    d.add.referrals = 1;
    return d;
}

std::vector<FunnelDelta> FunnelOfReferral(const Referral& referral, const std::string& link_id) {
    // Per stage, in order of first entry: entered, moved on, seconds spent in it.
    struct Visit {
        bool moved_on = false;
        std::int64_t seconds = 0;
    };
    std::vector<std::pair<std::string, Visit>> stages;
    auto find = [&](const std::string& stage) -> Visit& {
        for (auto& s : stages)
            if (s.first == stage) return s.second;
        stages.emplace_back(stage, Visit{});
        return stages.back().second;
    };
    const auto& h = referral.history;
    for (std::size_t i = 0; i < h.size(); ++i) {
        find(h[i].to);
        if (i + 1 < h.size() && h[i + 1].to != h[i].to) {
            auto& v = find(h[i].to);
            v.moved_on = true;
            v.seconds += Seconds(h[i].at, h[i + 1].at);
        }
    }
    std::vector<FunnelDelta> out;
    for (const auto& [stage, visit] : stages) {
        FunnelDelta d{{referral.program_id, DayOf(referral.created_at), referral.partner_id.str(), link_id,
                       std::string(ToString(referral.source)), stage},
                      {}};
        d.add.entered = 1;
        if (visit.moved_on) {
            d.add.moved_on = 1;
            d.add.time_in_stage.Add(visit.seconds);
        }
        out.push_back(std::move(d));
    }
    return out;
}

std::vector<std::int64_t> SplitByWeights(std::int64_t amount, std::span<const std::int64_t> weights_ppm) {
    std::vector<std::int64_t> parts(weights_ppm.size());
    std::vector<std::pair<Wide, std::size_t>> fractions;
    Wide given = 0;
    for (std::size_t i = 0; i < weights_ppm.size(); ++i) {
        const Wide exact = Wide{amount} * weights_ppm[i];
        Wide part = exact / kFullWeightPpm;
        Wide rest = exact % kFullWeightPpm;
        if (rest < 0) {  // floor for negative amounts
            part -= 1;
            rest += kFullWeightPpm;
        }
        parts[i] = static_cast<std::int64_t>(part);
        given += part;
        fractions.emplace_back(rest, i);
    }
    std::stable_sort(fractions.begin(), fractions.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (Wide left = Wide{amount} - given, k = 0; left > 0 && !fractions.empty(); --left, ++k)
        ++parts[fractions[static_cast<std::size_t>(k % static_cast<Wide>(fractions.size()))].second];
    return parts;
}

std::string ConversionSource(const Conversion& conversion, const std::optional<ReferralSource>& referral_source) {
    const auto s = conversion.attribution.source;
    if (referral_source && (s == AttributionSource::kReferral || s == AttributionSource::kCustomer))
        return std::string(ToString(*referral_source));
    return std::string(ToString(s));
}

std::vector<RollupDelta> ContributionOfConversion(const Conversion& conversion, const ConversionFacts& facts) {
    std::vector<RollupDelta> out;
    const auto& credits = conversion.attribution.credits;
    std::vector<std::int64_t> weights;
    for (const auto& c : credits) weights.push_back(c.weight_ppm);
    const auto parts = SplitByWeights(conversion.amount.amount, weights);
    const bool sale = conversion.type == ConversionType::kSale;
    for (std::size_t i = 0; i < credits.size(); ++i) {
        const auto& credit = credits[i];
        RollupDelta d{{conversion.program_id, DayOf(conversion.occurred_at), credit.partner_id.str(),
                       i < facts.credit_links.size() ? facts.credit_links[i] : std::string(), facts.source},
                      {}};
        if (sale) {
            d.add.conversions_ppm = credit.weight_ppm;
            d.add.sales_minor = parts[i];
            if (conversion.journey_started_at) {
                d.add.time_to_conversion.Add(Seconds(*conversion.journey_started_at, conversion.occurred_at),
                                             credit.weight_ppm);
            }
        } else {
            d.add.refunds_ppm = credit.weight_ppm;
            d.add.refunded_minor = parts[i];
        }
        for (const auto& com : facts.commissions)
            if (com.partner_id == credit.partner_id) d.add.commission_minor += com.amount.amount;
        out.push_back(std::move(d));
    }
    if (sale && facts.first_sale_of) {
        const auto& r = *facts.first_sale_of;
        RollupDelta d{{r.program_id, DayOf(r.created_at), r.partner_id.str(), facts.first_sale_link,
                       std::string(ToString(r.source))},
                      {}};
        const auto days = Seconds(r.created_at, conversion.occurred_at) / kSecondsPerDay;
        d.add.converted = 1;
        d.add.converted_7d = days < 7 ? 1 : 0;
        d.add.converted_30d = days < 30 ? 1 : 0;
        d.add.converted_90d = days < 90 ? 1 : 0;
        out.push_back(std::move(d));
    }
    return out;
}

void AddTo(RollupSums& sums, std::span<const RollupDelta> deltas) {
    for (const auto& d : deltas) sums[d.key] += d.add;
}

std::size_t RollupKeyHash::operator()(const RollupKey& key) const {
    const std::hash<std::string_view> text;
    std::size_t h = text(key.link_id);
    for (const std::size_t part :
         {text(key.partner_id), text(key.program_id.str()), text(key.source), static_cast<std::size_t>(key.day)}) {
        h ^= part + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);  // boost::hash_combine's mix
    }
    return h;
}

std::vector<RollupDelta> DeltasOf(RollupSums sums) {
    std::vector<RollupDelta> out;
    out.reserve(sums.size());
    while (!sums.empty()) {
        auto node = sums.extract(sums.begin());  // the key moves out, not copied
        out.push_back({std::move(node.key()), std::move(node.mapped())});
    }
    std::sort(out.begin(), out.end(), [](const RollupDelta& a, const RollupDelta& b) { return a.key < b.key; });
    return out;
}

}  // namespace rt::core
