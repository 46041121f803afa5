#include <utility>

#include "core/conversion.hpp"
#include "core/referral.hpp"

namespace rt::core {

namespace {

template <class E, std::size_t N>
std::string_view NameOf(const std::pair<E, std::string_view> (&table)[N], E value) {
    for (const auto& [e, name] : table) {
        if (e == value) return name;
    }
    return table[0].second;
}

template <class E, std::size_t N>
std::optional<E> ValueOf(const std::pair<E, std::string_view> (&table)[N], std::string_view text) {
    for (const auto& [e, name] : table) {
        if (name == text) return e;
    }
    return std::nullopt;
}

constexpr std::pair<ReferralSource, std::string_view> kSources[] = {
    {ReferralSource::kClick, "click"},
    {ReferralSource::kCoupon, "coupon"},
    {ReferralSource::kPartner, "partner"},
    {ReferralSource::kApi, "api"},
};
constexpr std::pair<ConversionType, std::string_view> kTypes[] = {
    {ConversionType::kSale, "sale"},
    {ConversionType::kRefund, "refund"},
};
constexpr std::pair<CommissionStatus, std::string_view> kStatuses[] = {
    {CommissionStatus::kPending, "pending"},
    {CommissionStatus::kApproved, "approved"},
    {CommissionStatus::kPaid, "paid"},
    {CommissionStatus::kReversed, "reversed"},
};

}  // namespace

std::string_view ToString(ReferralSource s) { return NameOf(kSources, s); }
std::optional<ReferralSource> ParseReferralSource(std::string_view text) { return ValueOf(kSources, text); }
std::string_view ToString(ConversionType t) { return NameOf(kTypes, t); }
std::optional<ConversionType> ParseConversionType(std::string_view text) { return ValueOf(kTypes, text); }
std::string_view ToString(CommissionStatus s) { return NameOf(kStatuses, s); }
std::optional<CommissionStatus> ParseCommissionStatus(std::string_view text) { return ValueOf(kStatuses, text); }

}  // namespace rt::core
