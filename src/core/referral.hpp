#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/money.hpp"
#include "core/time.hpp"

namespace rt::core {

// How the referral came to be: through a tracked click, a coupon, a deal a partner registered, or an
// admin/ingest key naming the partner.
enum class ReferralSource { kClick, kCoupon, kPartner, kApi };

std::string_view ToString(ReferralSource s);
std::optional<ReferralSource> ParseReferralSource(std::string_view text);

struct StageChange {
    std::string from;  // empty for the entry into the first stage
    std::string to;
    TimePoint at;

    bool operator==(const StageChange&) const = default;
};

// A lead a partner brought, moving through its program's pipeline.
struct Referral {
    ReferralId id;
    ProgramId program_id;
    PartnerId partner_id;
    CustomerId customer_id;
    ReferralSource source = ReferralSource::kApi;
    std::string click_id;                   // when it came from a click
    std::string coupon_code;                // when it came from a coupon
    std::string stage;                      // key of the current stage
    std::vector<StageChange> history;       // every move, oldest first, starting with the entry
    std::optional<Money> value;             // a deal's value
    std::optional<TimePoint> converted_at;  // occurred_at of its first sale; absent until then
    TimePoint created_at;
    TimePoint updated_at;

    bool operator==(const Referral&) const = default;
};

}  // namespace rt::core
