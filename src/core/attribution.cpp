#include "core/attribution.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>
#include <utility>

namespace rt::core {

namespace {

constexpr std::int64_t kMsPerDay = 24LL * 60 * 60 * 1000;

// Raw (unnormalized) weights are exact integers: a model's shares are ratios of them.
using Weight = unsigned __int128;

// position_based: each end gets kEndParts for every kMiddleParts of the middle (40/20/40).
constexpr Weight kEndParts = 40;
constexpr Weight kMiddleParts = 20;

// time_decay: a click's weight 2^(−halvings) as a fixed-point number with this many fraction bits.
constexpr int kDecayFractionBits = 52;

constexpr std::pair<AttributionSource, std::string_view> kSources[] = {
    {AttributionSource::kReferral, "referral"}, {AttributionSource::kRecurring, "recurring"},
    {AttributionSource::kClick, "click"},       {AttributionSource::kCoupon, "coupon"},
    {AttributionSource::kCustomer, "customer"}, {AttributionSource::kNone, "none"},
};

// One distinct partner of the in-window clicks.
struct PartnerTouches {
    PartnerId partner_id;
    TimePoint first_at;
    std::string last_click_id;
    Weight raw = 0;
};

bool Earlier(const Touch* a, const Touch* b) {
    return std::tie(a->at, a->click_id, a->partner_id) < std::tie(b->at, b->click_id, b->partner_id);
}

// The clicks in (conversion_at − window_days, conversion_at], oldest first.
std::vector<const Touch*> InWindow(const std::vector<Touch>& clicks, TimePoint conversion_at, int window_days) {
    const std::int64_t start_ms = conversion_at.unix_ms - std::int64_t{window_days} * kMsPerDay;
    std::vector<const Touch*> touches;
    for (const Touch& click : clicks) {
        if (click.at.unix_ms > start_ms && click.at <= conversion_at) touches.push_back(&click);
    }
    std::sort(touches.begin(), touches.end(), Earlier);
    return touches;
}

// The distinct partners of `touches` (oldest first) in credit order: first touch, then partner id.
std::vector<PartnerTouches> DistinctPartners(const std::vector<const Touch*>& touches) {
    std::vector<PartnerTouches> partners;
    for (const Touch* touch : touches) {
        auto it = std::find_if(partners.begin(), partners.end(),
                               [&](const PartnerTouches& p) { return p.partner_id == touch->partner_id; });
        if (it == partners.end()) {
            partners.push_back({touch->partner_id, touch->at, touch->click_id});
        } else {
            it->last_click_id = touch->click_id;
        }
    }
    std::stable_sort(partners.begin(), partners.end(), [](const PartnerTouches& a, const PartnerTouches& b) {
        return std::tie(a.first_at, a.partner_id) < std::tie(b.first_at, b.partner_id);
    });
    return partners;
}

// Precondition: `id` is one of `partners`.
PartnerTouches& Of(std::vector<PartnerTouches>& partners, const PartnerId& id) {
    return *std::find_if(partners.begin(), partners.end(), [&](const PartnerTouches& p) { return p.partner_id == id; });
}

void WeighPositions(std::vector<PartnerTouches>& partners, const std::vector<const Touch*>& touches) {
    std::vector<PartnerId> middle;
    for (std::size_t i = 1; i + 1 < touches.size(); ++i) {
        if (std::find(middle.begin(), middle.end(), touches[i]->partner_id) == middle.end()) {
            middle.push_back(touches[i]->partner_id);
        }
    }
    // With m middle partners each gets kMiddleParts and each end kEndParts·m: 40/20/40 in exact integers.
    // Without a middle the two ends split everything evenly.
    const Weight end_parts = kEndParts * std::max<Weight>(middle.size(), 1);
    Of(partners, touches.front()->partner_id).raw += end_parts;
    Of(partners, touches.back()->partner_id).raw += end_parts;
    for (const PartnerId& id : middle) Of(partners, id).raw += kMiddleParts;
}

// Ages are measured from the newest click instead of the conversion: the ratios, hence the shares, are the
// same, and the newest click weighs exactly 1 so nothing underflows.
void WeighTimeDecay(std::vector<PartnerTouches>& partners, const std::vector<const Touch*>& touches,
                    std::int64_t half_life_ms) {
    const std::int64_t newest_ms = touches.back()->at.unix_ms;
    for (const Touch* touch : touches) {
        const double halvings = static_cast<double>(newest_ms - touch->at.unix_ms) / static_cast<double>(half_life_ms);
        const double fixed = std::ldexp(std::exp2(-halvings), kDecayFractionBits);
        Of(partners, touch->partner_id).raw += static_cast<Weight>(std::llround(fixed));
    }
}

void Weigh(AttributionModel model, std::vector<PartnerTouches>& partners, const std::vector<const Touch*>& touches,
           std::int64_t half_life_ms) {
    switch (model) {
        case AttributionModel::kFirstClick:
            Of(partners, touches.front()->partner_id).raw = 1;
            return;
        case AttributionModel::kLastClick:
            Of(partners, touches.back()->partner_id).raw = 1;
            return;
        case AttributionModel::kLinear:
            for (PartnerTouches& p : partners) p.raw = 1;
            return;
        case AttributionModel::kPositionBased:
            WeighPositions(partners, touches);
            return;
        case AttributionModel::kTimeDecay:
            WeighTimeDecay(partners, touches, half_life_ms);
            return;
    }
}

// Largest-remainder rounding of raw / total to ppm: every partner gets the floor of its exact share, then
// the ppm still missing go one each to the largest remainders, the earlier partner first on equal ones.
// Precondition: some raw weight is positive.
std::vector<std::int64_t> ApportionPpm(const std::vector<PartnerTouches>& partners) {
    const Weight total = std::accumulate(partners.begin(), partners.end(), Weight{0},
                                         [](Weight sum, const PartnerTouches& p) { return sum + p.raw; });
    std::vector<std::int64_t> ppm(partners.size());
    std::vector<Weight> remainder(partners.size());
    std::int64_t missing = kFullWeightPpm;
    for (std::size_t i = 0; i < partners.size(); ++i) {
        const Weight scaled = partners[i].raw * static_cast<Weight>(kFullWeightPpm);
        ppm[i] = static_cast<std::int64_t>(scaled / total);
        remainder[i] = scaled % total;
        missing -= ppm[i];
    }
    std::vector<std::size_t> order(partners.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
    for (std::size_t i = 0; i < static_cast<std::size_t>(missing); ++i) ++ppm[order[i]];
    return ppm;
}

// Precondition: !touches.empty().
std::vector<Credit> CreditClicks(AttributionModel model, const std::vector<const Touch*>& touches,
                                 std::int64_t half_life_ms) {
    std::vector<PartnerTouches> partners = DistinctPartners(touches);
    Weigh(model, partners, touches, half_life_ms);
    const std::vector<std::int64_t> ppm = ApportionPpm(partners);
    std::vector<Credit> credits;
    for (std::size_t i = 0; i < partners.size(); ++i) {
        if (ppm[i] > 0) credits.push_back({partners[i].partner_id, ppm[i], partners[i].last_click_id});
    }
    return credits;
}

Attribution Sole(Attribution attribution, AttributionSource source, const PartnerId& partner_id) {
    attribution.source = source;
    attribution.credits = {{partner_id, kFullWeightPpm, ""}};
    return attribution;
}

}  // namespace

std::string_view ToString(AttributionSource s) {
    for (const auto& [source, name] : kSources) {
        if (source == s) return name;
    }
    return "none";
}

std::optional<AttributionSource> ParseAttributionSource(std::string_view text) {
    for (const auto& [source, name] : kSources) {
        if (name == text) return source;
    }
    return std::nullopt;
}

Attribution Attribute(const AttributionSettings& settings, TimePoint conversion_at, const AttributionEvidence& evidence,
                      std::int64_t time_decay_half_life_ms) {
    Attribution attribution{.source = AttributionSource::kNone, .model = settings.model, .credits = {}};
    if (evidence.referral_partner) return Sole(attribution, AttributionSource::kReferral, *evidence.referral_partner);
    if (evidence.sticky_partner) return Sole(attribution, AttributionSource::kRecurring, *evidence.sticky_partner);
    if (evidence.click_named) {
        const std::vector<const Touch*> touches = InWindow(evidence.clicks, conversion_at, settings.window_days);
        if (!touches.empty()) {
            const std::int64_t half_life_ms =
                time_decay_half_life_ms > 0 ? time_decay_half_life_ms : kTimeDecayHalfLifeMs;
            attribution.source = AttributionSource::kClick;
            attribution.credits = CreditClicks(settings.model, touches, half_life_ms);
            return attribution;
        }
    }
    if (evidence.coupon_partner) return Sole(attribution, AttributionSource::kCoupon, *evidence.coupon_partner);
    if (evidence.history_partner) return Sole(attribution, AttributionSource::kCustomer, *evidence.history_partner);
    return attribution;
}

}  // namespace rt::core
