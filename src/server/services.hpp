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
#include "app/session_service.hpp"
#include "app/user_service.hpp"
#include "http/api_support.hpp"
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
    app::UserService& users() { return users_; }
    app::SessionService& sessions() { return sessions_; }
    // How /api/v1 routes authenticate: API keys and the session cookie (named for the public URL's scheme).
    http::Authenticator auth() { return {keys_, sessions_, http::SessionCookieName(secure_cookies_)}; }
    // True when the public URL is https: cookies are then Secure (and the session cookie __Host- prefixed).
    bool secure_cookies() const { return secure_cookies_; }

  private:
    Services(std::unique_ptr<ports::Store> store, std::unique_ptr<ports::SodiumVault> vault, const Config& config);

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
    app::UserService users_;
    app::SessionService sessions_;
    bool secure_cookies_;
};

}  // namespace rt::server
