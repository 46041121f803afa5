#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/api_key.hpp"
#include "core/conversion.hpp"
#include "core/event.hpp"
#include "core/link.hpp"
#include "core/partner.hpp"
#include "core/program.hpp"
#include "core/referral.hpp"
#include "storage/sql/connection.hpp"

// How each domain type maps to its table's columns. Bind* binds parameters ?1..?N in the order of the
// type's column list; Read* decodes the current row of a statement that selected that list, and fails
// with kInternal (logged) when a stored value does not decode.
namespace rt::storage::sql {

inline constexpr std::string_view kProgramColumns =
    "id, name, currency, destination_domains, attribution_model, attribution_window_days, stages, created_at, "
    "updated_at, sticky_customers, commission";
void BindProgram(Statement& statement, const core::Program& program);
Result<core::Program> ReadProgram(const Statement& row);

inline constexpr std::string_view kPartnerColumns =
    "id, program_id, name, email, status, partner_group, created_at, updated_at";
void BindPartner(Statement& statement, const core::Partner& partner);
Result<core::Partner> ReadPartner(const Statement& row);

inline constexpr std::string_view kLinkColumns =
    "id, program_id, partner_id, code, destination, campaign, channel, status, created_at, updated_at";
void BindLink(Statement& statement, const core::Link& link);
Result<core::Link> ReadLink(const Statement& row);

inline constexpr std::string_view kApiKeyColumns = "id, name, scope, secret_hash, created_at";
void BindApiKey(Statement& statement, const core::ApiKeyRecord& key);
Result<core::ApiKeyRecord> ReadApiKey(const Statement& row);

// An event's payload as stored (events.payload): a JSON array of [key, value] pairs, in order; bytes that are not
// UTF-8 become U+FFFD. The text nlohmann's dump() writes for it, byte for byte (events.cpp).
std::string EncodeEventPayload(const core::Event& event);

// A conversion's credits as stored (conversions.attribution_credits): a JSON array of {"click_id", "partner_id",
// "weight_ppm"} objects in credit order, as nlohmann's dump() writes them (conversions.cpp).
std::string EncodeConversionCredits(const std::vector<core::Credit>& credits);

// An optional time as unix milliseconds, NULL when absent.
void BindOptionalTime(Statement& statement, int index, const std::optional<core::TimePoint>& time);
std::optional<core::TimePoint> ReadOptionalTime(const Statement& row, int column);

// Defined beside their tables' methods: referrals.cpp (the history is a JSON column of the row) and
// conversions.cpp. Optional times are NULL when absent.
inline constexpr std::string_view kReferralColumns =
    "id, program_id, partner_id, customer_id, source, click_id, coupon_code, stage, history, value_amount, "
    "value_currency, created_at, updated_at, converted_at";
Result<core::Referral> ReadReferral(const Statement& row);

inline constexpr std::string_view kConversionColumns =
    "id, program_id, external_id, type, refund_of, amount, currency, occurred_at, referral_id, customer_id, "
    "click_id, coupon_code, attribution_source, attribution_model, attribution_credits, request_hash, created_at, "
    "journey_started_at";
Result<core::Conversion> ReadConversion(const Statement& row);

}  // namespace rt::storage::sql
