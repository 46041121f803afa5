#pragma once

#include "app/conversion_service.hpp"
#include "app/coupon_service.hpp"
#include "app/event_log.hpp"
#include "app/idempotency.hpp"
#include "app/referral_service.hpp"
#include "http/api_support.hpp"
#include "http/router.hpp"
#include "ports/vault.hpp"

namespace rt::http {

// What the funnel routes (coupons, referrals, conversions, events) call; owned by the composition root.
struct FunnelContext {
    app::CouponService& coupons;
    app::ReferralService& referrals;
    app::ConversionService& conversions;
    app::IdempotencyKeys& idempotency;
    Authenticator keys;  // API keys, and session cookies when it has a SessionService
    app::Deps deps;      // the ledger reads and SHA-256 of request bodies
    ports::Vault& vault;
};

void AddFunnelRoutes(Router& router, FunnelContext& ctx);
void AddEventRoutes(Router& router, FunnelContext& ctx);

}  // namespace rt::http
