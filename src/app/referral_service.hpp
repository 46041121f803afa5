#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/customer_identity.hpp"
#include "app/deps.hpp"
#include "app/principal.hpp"
#include "core/page.hpp"
#include "core/referral.hpp"
#include "ports/vault.hpp"

namespace rt::app {

struct ReferralInput {
    std::optional<std::string> program_id;  // needed with a coupon, or an admin key naming a partner
    std::optional<std::string> click_id;
    std::optional<std::string> coupon;
    std::optional<std::string> partner_id;
    CustomerInput customer;
    std::optional<core::Money> value;  // a deal's value, in the program's currency
};

struct ReferralPatch {
    std::optional<std::string> stage;
    std::optional<core::Money> value;
};

// The outcome of a create: the referral, and whether it is new (201) or the customer's existing one (200).
struct ReferralOutcome {
    core::Referral referral;
    core::Customer customer;
    bool created = false;
};

// Referrals: leads partners bring, moved along the program's stages. The partner is found from, in
// this order, a click id, a coupon, the partner key itself (a registered deal), or a partner_id named
// by an admin or ingest key. A customer already referred within the program's attribution window is
// not referred twice: the existing referral is returned. Partner keys see and register their own;
// moving stages is for admin and ingest keys. Blocking; thread-safe.
class ReferralService {
  public:
    ReferralService(Deps deps, ports::Vault& vault) : deps_(deps), vault_(vault) {}

    core::Result<ReferralOutcome> Create(const Principal& who, const ReferralInput& input);
    core::Result<ReferralOutcome> Get(const Principal& who, std::string_view id);
    // A move to the current stage is a no-op (no history entry); leaving won/lost is kConflict.
    core::Result<ReferralOutcome> Patch(const Principal& who, std::string_view id, const ReferralPatch& patch);
    // Each with its customer; read in one transaction. The caller masks customers for partner keys.
    core::Result<core::Page<ReferralOutcome>> List(const Principal& who, const std::optional<std::string>& program_id,
                                                   const std::optional<std::string>& partner_id,
                                                   const core::PageRequest& page);

  private:
    Deps deps_;
    ports::Vault& vault_;
};

}  // namespace rt::app
