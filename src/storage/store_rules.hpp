#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/page.hpp"
#include "core/rollup.hpp"

// What every backend does and says alike, word for word, so that callers and the conformance suite see the
// same behaviour whichever store is configured.
namespace rt::storage {

inline constexpr std::string_view kProgramIdTaken = "a program with this id already exists";
inline constexpr std::string_view kPartnerIdTaken = "a partner with this id already exists";
inline constexpr std::string_view kPartnerEmailTaken = "a partner with this email already exists in the program";
inline constexpr std::string_view kLinkIdTaken = "a link with this id already exists";
inline constexpr std::string_view kLinkCodeTaken = "a link with this code already exists";
inline constexpr std::string_view kEventSeqTaken = "the program already has an event with this seq";
inline constexpr std::string_view kEventIdTaken = "an event with this id already exists";
inline constexpr std::string_view kEventProgramMissing = "the event's program does not exist";
inline constexpr int kMaxEventPage = 1000;
inline constexpr std::string_view kApiKeyIdTaken = "an API key with this id already exists";

// A foreign key that names nothing: a partner of an unknown program, a link whose partner is not in its program.
inline constexpr std::string_view kPartnerProgramMissing = "the partner's program does not exist";
inline constexpr std::string_view kLinkPartnerMissing = "the link's partner does not exist in the link's program";

inline constexpr std::string_view kProgramNotFound = "program not found";
inline constexpr std::string_view kPartnerNotFound = "partner not found";
inline constexpr std::string_view kLinkNotFound = "link not found";
inline constexpr std::string_view kApiKeyNotFound = "API key not found";

// The funnel: customers, coupons, referrals, conversions, commissions, idempotency keys.
inline constexpr std::string_view kCustomerIdTaken = "a customer with this id already exists";
inline constexpr std::string_view kCustomerExternalIdTaken =
    "a customer with this external id already exists in the program";
inline constexpr std::string_view kCustomerEmailTaken = "a customer with this email already exists in the program";
inline constexpr std::string_view kCustomerProgramMissing = "the customer's program does not exist";
inline constexpr std::string_view kCustomerNotFound = "customer not found";

inline constexpr std::string_view kCouponIdTaken = "a coupon with this id already exists";
inline constexpr std::string_view kCouponCodeTaken = "a coupon with this code already exists in the program";
inline constexpr std::string_view kCouponPartnerMissing = "the coupon's partner does not exist in the coupon's program";
inline constexpr std::string_view kCouponNotFound = "coupon not found";

inline constexpr std::string_view kReferralIdTaken = "a referral with this id already exists";
inline constexpr std::string_view kReferralOwnersMissing =
    "the referral's partner or customer does not exist in the referral's program";
inline constexpr std::string_view kReferralNotFound = "referral not found";

inline constexpr std::string_view kConversionIdTaken = "a conversion with this id already exists";
inline constexpr std::string_view kConversionExternalIdTaken =
    "a conversion with this external id already exists in the program";
inline constexpr std::string_view kConversionProgramMissing = "the conversion's program does not exist";
inline constexpr std::string_view kConversionCreditMissing =
    "a partner credited by the conversion does not exist in the conversion's program";
inline constexpr std::string_view kConversionNotFound = "conversion not found";

inline constexpr std::string_view kCommissionIdTaken = "a commission with this id already exists";
inline constexpr std::string_view kCommissionOwnersMissing =
    "the commission's conversion or partner does not exist in the commission's program";
inline constexpr std::string_view kCommissionPartnerNotCredited =
    "the commission's conversion does not credit its partner";

inline constexpr std::string_view kIdempotencyKeyTaken = "this idempotency key was already used";

// Users, invites and sessions.
inline constexpr std::string_view kUserIdTaken = "a user with this id already exists";
inline constexpr std::string_view kUserEmailTaken = "a user with this email already exists";
inline constexpr std::string_view kUserPartnerMissing = "the user's partner does not exist";
inline constexpr std::string_view kUserNotFound = "user not found";
inline constexpr std::string_view kInviteTaken = "an invite with this token already exists";
inline constexpr std::string_view kInviteUserMissing = "the invite's user does not exist";
inline constexpr std::string_view kInviteNotFound = "invite not found";
inline constexpr std::string_view kInviteUsed = "the invite was already used";
inline constexpr std::string_view kSessionTaken = "a session with this token already exists";
inline constexpr std::string_view kSessionUserMissing = "the session's user does not exist";
inline constexpr std::string_view kSessionNotFound = "session not found";

inline constexpr std::string_view kReadOnlyTransaction = "a read transaction cannot write";

// Pending rollups: one row per (program, seq).
inline constexpr std::string_view kPendingRollupsTaken = "the program already has pending rollups with this seq";

// The page size a backend uses: the requested limit clamped to 1..PageRequest::kMaxLimit (the caller
// validates it; the clamp only keeps a bad caller from asking for everything).
inline int EffectivePageLimit(const core::PageRequest& page) {
    return std::clamp(page.limit, 1, core::PageRequest::kMaxLimit);
}

}  // namespace rt::storage
