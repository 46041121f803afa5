#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/program.hpp"
#include "core/time.hpp"

namespace rt::core {

// The whole of a credit: attribution weights are parts per million and always sum to exactly this.
inline constexpr std::int64_t kFullWeightPpm = 1'000'000;

// The default half-life of the time_decay model: a click loses half its weight every 7 days.
inline constexpr std::int64_t kTimeDecayHalfLifeMs = 7LL * 24 * 60 * 60 * 1000;

// A non-bot click of the visitor.
struct Touch {
    PartnerId partner_id;
    std::string click_id;
    TimePoint at;
};

// What the app layer has resolved for a conversion. Every field is optional; Attribute decides which
// one counts.
struct AttributionEvidence {
    std::optional<PartnerId> referral_partner;  // the partner of the referral_id named on the conversion
    // The partner this customer's earlier conversions were credited to. Filled only when the program
    // keeps customers with their first partner.
    std::optional<PartnerId> sticky_partner;
    bool click_named = false;                  // the conversion named a click id; `clicks` is consulted only then
    std::vector<Touch> clicks;                 // every click of that visitor, in any order, also outside the window
    std::optional<PartnerId> coupon_partner;   // the owner of the coupon named on the conversion
    std::optional<PartnerId> history_partner;  // a referral of this customer (external id, email hash) in the window
};

// Where the credit came from, in precedence order.
enum class AttributionSource { kReferral, kRecurring, kClick, kCoupon, kCustomer, kNone };

// "referral", "recurring", "click", "coupon", "customer", "none".
std::string_view ToString(AttributionSource s);
std::optional<AttributionSource> ParseAttributionSource(std::string_view text);

// One partner's share of a conversion.
struct Credit {
    PartnerId partner_id;
    std::int64_t weight_ppm = 0;  // 1..kFullWeightPpm
    std::string click_id;         // the partner's most recent in-window click; empty unless source is kClick

    bool operator==(const Credit&) const = default;
};

struct Attribution {
    AttributionSource source = AttributionSource::kNone;
    AttributionModel model = AttributionModel::kLastClick;  // the program's; it shapes credits only for kClick
    // Empty for kNone; otherwise weights > 0 summing to exactly kFullWeightPpm, ordered by the partner's
    // first in-window click, then partner id.
    std::vector<Credit> credits;

    bool operator==(const Attribution&) const = default;
};

// Decides which partner(s) earned a conversion at `conversion_at`. Precedence, first match wins:
//   1. referral_partner  → kReferral, that partner 100%;
//   2. sticky_partner    → kRecurring, that partner 100%;
//   3. click_named and at least one click in the window → kClick, settings.model over those clicks;
//      a named click with no click in the window falls through to the next rule;
//   4. coupon_partner    → kCoupon, 100%;
//   5. history_partner   → kCustomer, 100%;
//   6. otherwise         → kNone, no credits (the conversion counts in totals, not for a partner).
// The window is (conversion_at − window_days, conversion_at]: its start is excluded, the conversion's own
// millisecond included, later clicks never count. Clicks are ordered by time, then click id (ids are
// time-ordered), and the models work over the distinct partners of those clicks:
//   first_click / last_click: the earliest / latest click's partner gets 100%;
//   linear: each distinct partner an equal share (repeated clicks count once);
//   position_based: 40% to the first click's partner, 40% to the last click's, 20% split equally over the
//     distinct partners of the clicks in between, then summed per partner. One click → 100%; two clicks
//     → 50/50 (no middle: the two 40% shares are the whole);
//   time_decay: each click weighs 2^(−age / half_life), summed per partner and normalized.
// Shares become integer ppm by largest-remainder rounding; equal remainders go to the earlier credit in
// credit order. A partner whose rounded share is 0 ppm gets no credit. `time_decay_half_life_ms` must be
// positive; anything else means the default.
Attribution Attribute(const AttributionSettings& settings, TimePoint conversion_at, const AttributionEvidence& evidence,
                      std::int64_t time_decay_half_life_ms = kTimeDecayHalfLifeMs);

}  // namespace rt::core
