#pragma once

#include <nlohmann/json.hpp>

#include "app/conversion_service.hpp"
#include "app/coupon_service.hpp"
#include "app/referral_service.hpp"
#include "core/event.hpp"
#include "http/json_writer.hpp"
#include "ports/vault.hpp"

// JSON forms of coupons, referrals, conversions and events, and the parsers of their request bodies.
namespace rt::http {

nlohmann::json ToJson(const core::Coupon& coupon);
// `reveal`: decrypt the customer's email and name (admin and ingest keys); else the email is masked
// and the name left out (partner keys).
nlohmann::json ToJson(const core::Referral& referral, const core::Customer& customer, ports::Vault& vault, bool reveal);
// A conversion with its commissions, written as JSON text (the ingest answer is built without a JSON tree).
void WriteConversion(JsonWriter& writer, const core::Conversion& conversion,
                     const std::vector<core::Commission>& commissions);
std::string ConversionJson(const core::Conversion& conversion, const std::vector<core::Commission>& commissions);
nlohmann::json ToJson(const core::Event& event);
nlohmann::json MoneyJson(const core::Money& money);

core::Result<app::CouponInput> ParseCouponInput(const nlohmann::json& body);
core::Result<app::ReferralInput> ParseReferralInput(const nlohmann::json& body);
core::Result<app::ReferralPatch> ParseReferralPatch(const nlohmann::json& body);
core::Result<app::ConversionInput> ParseConversionInput(const nlohmann::json& body);

}  // namespace rt::http
