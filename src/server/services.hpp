#pragma once

#include <memory>
#include <string>

#include "app/conversion_service.hpp"
#include "app/coupon_service.hpp"
#include "app/deps.hpp"
#include "app/idempotency.hpp"
#include "app/key_service.hpp"
#include "app/link_service.hpp"
#include "app/partner_service.hpp"
#include "app/program_service.hpp"
#include "app/referral_service.hpp"
#include "app/report_service.hpp"
#include "ports/sodium_vault.hpp"
#include "ports/store.hpp"
#include "ports/system.hpp"
#include "server/config.hpp"

namespace rt::server {

// The production ports and the use cases built on them: what every command that touches the
// database needs. Owns the store.
class Services {
  public:
    // Opens the database and the secret key file (created on first use) and brings the schema up to
    // date. On failure a one-line message.
    static core::Result<std::unique_ptr<Services>> Open(const Config& config);

    ports::Store& store() { return *store_; }
    core::Clock& clock() { return clock_; }
    ports::Vault& vault() { return *vault_; }
    app::Deps deps() { return {*store_, clock_, random_, digest_}; }
    app::ProgramService& programs() { return programs_; }
    app::PartnerService& partners() { return partners_; }
    app::LinkService& links() { return links_; }
    app::KeyService& keys() { return keys_; }
    app::CouponService& coupons() { return coupons_; }
    app::ReferralService& referrals() { return referrals_; }
    app::ConversionService& conversions() { return conversions_; }
    app::IdempotencyKeys& idempotency() { return idempotency_; }
    app::ReportService& reports() { return reports_; }

  private:
    Services(std::unique_ptr<ports::Store> store, std::unique_ptr<ports::SodiumVault> vault);

    std::unique_ptr<ports::Store> store_;
    std::unique_ptr<ports::SodiumVault> vault_;
    ports::SystemClock clock_;
    ports::SodiumRandom random_;
    ports::Argon2idHasher hasher_;
    ports::Sha256Digest digest_;
    app::ProgramService programs_;
    app::PartnerService partners_;
    app::LinkService links_;
    app::KeyService keys_;
    app::CouponService coupons_;
    app::ReferralService referrals_;
    app::ConversionService conversions_;
    app::IdempotencyKeys idempotency_;
    app::ReportService reports_;
};

}  // namespace rt::server
