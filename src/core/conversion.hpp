#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/attribution.hpp"
#include "core/ids.hpp"
#include "core/money.hpp"
#include "core/time.hpp"

namespace rt::core {

enum class ConversionType { kSale, kRefund };

std::string_view ToString(ConversionType t);
std::optional<ConversionType> ParseConversionType(std::string_view text);

// A sale (or another goal) and, for refunds, a negative one. Recorded once per (program, external_id).
struct Conversion {
    ConversionId id;
    ProgramId program_id;
    std::string external_id;  // the order or invoice id
    ConversionType type = ConversionType::kSale;
    std::optional<ConversionId> refund_of;  // for refunds: the sale refunded
    Money amount;                           // positive; a refund's amount is the refunded part
    TimePoint occurred_at;
    std::optional<ReferralId> referral_id;  // the referral credited, when one is known
    std::optional<CustomerId> customer_id;
    std::string click_id;      // as named on the request
    std::string coupon_code;   // as named on the request
    Attribution attribution;   // copied from the sale for refunds
    std::string request_hash;  // hash of the request body, to tell a replay from a different request
    // Where the journey this sale completes began: the first in-window click of the visitor or the
    // referral's click or creation, whichever is earliest. Only on a referral's first sale and on a sale
    // credited by click without a referral; absent on repeat (recurring) sales and on refunds. Time to
    // conversion is occurred_at minus this.
    std::optional<TimePoint> journey_started_at;
    TimePoint created_at;

    bool operator==(const Conversion&) const = default;
};

enum class CommissionStatus { kPending, kApproved, kPaid, kReversed };

std::string_view ToString(CommissionStatus s);
std::optional<CommissionStatus> ParseCommissionStatus(std::string_view text);

// What a partner earns for a conversion; a refund adds a negative commission that reverses part of one.
struct Commission {
    CommissionId id;
    ProgramId program_id;
    ConversionId conversion_id;
    PartnerId partner_id;
    Money amount;  // negative for a reversal
    CommissionStatus status = CommissionStatus::kPending;
    std::optional<CommissionId> reverses;
    TimePoint created_at;

    bool operator==(const Commission&) const = default;
};

}  // namespace rt::core
