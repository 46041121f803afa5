#pragma once

// The funnel's part of the storage conformance suite (customers, coupons, referrals, conversions, commissions,
// idempotency keys): objects with every field set, and descriptions that name every field. Test-only.

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "storage/store_conformance.hpp"

namespace rt::storage::testing {

// Expects `result` to have failed with `code` and exactly `message`.
inline void ExpectFailure(const core::Result<void>& result, core::ErrorCode code, std::string_view message) {
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code(), code) << result.error().message();
    EXPECT_EQ(result.error().message(), message);
}

// Drops a result's value: for checking only whether and how a call failed.
template <class T>
core::Result<void> Outcome(const core::Result<T>& result) {
    if (!result) return core::Fail(result.error());
    return {};
}

template <class Id>
std::string Describe(const std::optional<Id>& id) {
    return id ? id->str() : "(none)";
}

inline std::string Describe(const core::Customer& c) {
    std::ostringstream out;
    out << "id=" << c.id.str() << " program=" << c.program_id.str() << " external=" << c.external_id
        << " email_hash=" << c.email_hash << " email_sealed=" << c.email_sealed << " name_sealed=" << c.name_sealed
        << " credited=" << Describe(c.credited_partner) << " created=" << c.created_at.unix_ms;
    return out.str();
}

inline std::string Describe(const core::Coupon& c) {
    std::ostringstream out;
    out << "id=" << c.id.str() << " program=" << c.program_id.str() << " partner=" << c.partner_id.str()
        << " code=" << c.code << " active=" << c.active << " created=" << c.created_at.unix_ms;
    return out.str();
}

inline std::string Describe(const core::Referral& r) {
    std::ostringstream out;
    out << "id=" << r.id.str() << " program=" << r.program_id.str() << " partner=" << r.partner_id.str()
        << " customer=" << r.customer_id.str() << " source=" << core::ToString(r.source) << " click=" << r.click_id
        << " coupon=" << r.coupon_code << " stage=" << r.stage << " history=[";
    for (const auto& h : r.history) out << h.from << ">" << h.to << "@" << h.at.unix_ms << ";";
    out << "] value=";
    if (r.value) {
        out << r.value->amount << " " << r.value->currency.code();
    } else {
        out << "(none)";
    }
    out << " created=" << r.created_at.unix_ms << " updated=" << r.updated_at.unix_ms;
    return out.str();
}

inline std::string Describe(const core::Conversion& c) {
    std::ostringstream out;
    out << "id=" << c.id.str() << " program=" << c.program_id.str() << " external=" << c.external_id
        << " type=" << core::ToString(c.type) << " refund_of=" << Describe(c.refund_of) << " amount=" << c.amount.amount
        << " " << c.amount.currency.code() << " occurred=" << c.occurred_at.unix_ms
        << " referral=" << Describe(c.referral_id) << " customer=" << Describe(c.customer_id) << " click=" << c.click_id
        << " coupon=" << c.coupon_code << " attribution=" << core::ToString(c.attribution.source) << "/"
        << core::ToString(c.attribution.model) << "[";
    for (const auto& cr : c.attribution.credits)
        out << cr.partner_id.str() << ":" << cr.weight_ppm << ":" << cr.click_id << ";";
    out << "] request_hash=" << c.request_hash << " created=" << c.created_at.unix_ms;
    return out.str();
}

inline std::string Describe(const core::Commission& c) {
    std::ostringstream out;
    out << "id=" << c.id.str() << " program=" << c.program_id.str() << " conversion=" << c.conversion_id.str()
        << " partner=" << c.partner_id.str() << " amount=" << c.amount.amount << " " << c.amount.currency.code()
        << " status=" << core::ToString(c.status) << " reverses=" << Describe(c.reverses)
        << " created=" << c.created_at.unix_ms;
    return out.str();
}

inline std::string Describe(const ports::IdempotencyRecord& r) {
    std::ostringstream out;
    out << "scope=" << r.scope << " key=" << r.key << " request_hash=" << r.request_hash << " status=" << r.status
        << " body=" << r.body << " created=" << r.created_at.unix_ms;
    return out.str();
}

// The descriptions of a list's items, in order.
template <class T>
std::vector<std::string> Describe(const std::vector<T>& items) {
    std::vector<std::string> out;
    for (const auto& item : items) out.push_back(Describe(item));
    return out;
}

// A customer of `program` with every field set (but credited_partner, which needs a partner); `tag` makes the
// external id and email hash unique.
inline core::Customer CustomerOf(const core::Program& program, core::CustomerId id, const std::string& tag) {
    core::Customer c;
    c.id = std::move(id);
    c.program_id = program.id;
    c.external_id = "crm-" + tag;
    c.email_hash = std::string(56, 'e') + "hash" + tag;
    c.email_sealed = "c2VhbGVkIGVtYWls" + tag;
    c.name_sealed = "c2VhbGVkIG5hbWU=" + tag;
    c.created_at = {1'795'000'000'123};
    return c;
}

inline core::Coupon CouponOf(const core::Partner& partner, core::CouponId id, std::string code) {
    core::Coupon c;
    c.id = std::move(id);
    c.program_id = partner.program_id;
    c.partner_id = partner.id;
    c.code = std::move(code);
    c.active = false;
    c.created_at = {1'795'000'000'456};
    return c;
}

// A deal of `customer` brought by `partner`, with a two-step history and a value.
inline core::Referral ReferralOf(const core::Partner& partner, const core::Customer& customer, core::ReferralId id,
                                 core::TimePoint created_at) {
    core::Referral r;
    r.id = std::move(id);
    r.program_id = partner.program_id;
    r.partner_id = partner.id;
    r.customer_id = customer.id;
    r.source = core::ReferralSource::kCoupon;
    r.click_id = "clk_01jd0000000000000000000000";
    r.coupon_code = "spring25";
    r.stage = "won";
    r.history = {{"", "new", created_at}, {"new", "won", {created_at.unix_ms + 60'000}}};
    r.value = core::Money{1'234'567, core::Currency::FromTrusted("JPY")};
    r.created_at = created_at;
    r.updated_at = {created_at.unix_ms + 60'000};
    return r;
}

// A sale of `program` credited to `credits` (partner, weight) by position-based attribution.
inline core::Conversion SaleOf(const core::Program& program, core::ConversionId id, std::string external_id,
                               const std::vector<std::pair<core::PartnerId, std::int64_t>>& credits) {
    core::Conversion c;
    c.id = std::move(id);
    c.program_id = program.id;
    c.external_id = std::move(external_id);
    c.type = core::ConversionType::kSale;
    c.amount = {98'765, core::Currency::FromTrusted("JPY")};
    c.occurred_at = {1'795'000'000'789};
    c.click_id = "clk_01jd1111111111111111111111";
    c.coupon_code = "spring25";
    c.attribution.source = credits.empty() ? core::AttributionSource::kNone : core::AttributionSource::kClick;
    c.attribution.model = core::AttributionModel::kPositionBased;
    int n = 0;
    for (const auto& [partner, weight] : credits) {
        c.attribution.credits.push_back({partner, weight, "clk_click" + std::to_string(++n)});
    }
    c.request_hash = std::string(64, '7');
    c.created_at = {1'795'000'000'999};
    return c;
}

// A refund of `sale`: the same attribution, `amount` of it refunded.
inline core::Conversion RefundOf(const core::Conversion& sale, core::ConversionId id, std::string external_id,
                                 std::int64_t amount) {
    core::Conversion c = sale;
    c.id = std::move(id);
    c.external_id = std::move(external_id);
    c.type = core::ConversionType::kRefund;
    c.refund_of = sale.id;
    c.amount.amount = amount;
    return c;
}

inline core::Commission CommissionOf(const core::Conversion& conversion, const core::PartnerId& partner,
                                     core::CommissionId id, std::int64_t amount) {
    core::Commission c;
    c.id = std::move(id);
    c.program_id = conversion.program_id;
    c.conversion_id = conversion.id;
    c.partner_id = partner;
    c.amount = {amount, conversion.amount.currency};
    c.status = core::CommissionStatus::kApproved;
    c.created_at = {1'795'000'001'111};
    return c;
}

}  // namespace rt::storage::testing
