#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/money.hpp"

namespace rt::core {

// How one conversion's commission is computed. Only the field of `kind` is used; the other is ignored.
struct CommissionRule {
    static constexpr std::int64_t kMaxPercentBps = 10'000;  // 100.00%

    enum class Kind { kPercent, kFlat };

    Kind kind = Kind::kPercent;
    std::int64_t percent_bps = 0;  // basis points of the amount: 1000 = 10.00%; 0..kMaxPercentBps
    std::int64_t flat_minor = 0;   // per conversion, in minor units of the program currency; >= 0

    bool operator==(const CommissionRule&) const = default;
};

// A program's commission: the default rule, replaced for partners whose group has its own.
struct CommissionPlan {
    static constexpr std::size_t kMaxGroups = 100;

    CommissionRule default_rule;
    std::map<std::string, CommissionRule> by_group;  // partner group slug → rule

    bool operator==(const CommissionPlan&) const = default;
};

// On success an empty Result. On failure kInvalid naming every bad field: "default_rule.percent_bps",
// "default_rule.flat_minor", "by_group" (too many groups), "by_group.<slug>" (not a group slug: [a-z0-9_-],
// 1..Partner::kMaxGroupLength) and "by_group.<slug>.percent_bps" / ".flat_minor".
Result<void> ValidateCommissionPlan(const CommissionPlan& plan);

// The rule for a partner of `partner_group` (empty when none): its group's rule if the plan has one, else
// the default.
const CommissionRule& RuleFor(const CommissionPlan& plan, std::string_view partner_group);

// The commission on `amount` for a credit of `weight_ppm` (0..1'000'000; values outside are clamped), in
// the amount's currency, which is the program currency the flat rule is written in.
//   percent: amount × percent_bps / 10'000 × weight_ppm / 1'000'000
//   flat:    flat_minor × weight_ppm / 1'000'000 (the amount's value does not matter)
// rounded once, at the end, to the nearest minor unit, halves to even (0.5 → 0, 1.5 → 2, −1.5 → −2).
// Exact for every int64 amount (128-bit intermediates). Precondition: the plan is valid.
Money CommissionFor(const CommissionPlan& plan, std::string_view partner_group, const Money& amount,
                    std::int64_t weight_ppm);

// The reversal of a commission when `refund_amount` more of an order is refunded, after refunds totalling
// `already_refunded` (0 for the first refund): zero or negative, in the commission's currency.
// The reversed total after a refund is commission × min(refunded so far, original) / original, rounded
// half to even; a refund reverses the growth of that total. So partial refunds add up to exactly the whole
// commission once the order is fully refunded, and refunds past the original amount reverse nothing more.
// A zero original amount has nothing to reverse proportionally: the reversal is 0.
// On failure kInvalid: the three amounts not all in one currency ("currency"), or a negative
// "original_amount", "refund_amount" or "already_refunded" (each field named after its parameter).
// Amounts are magnitudes: pass a refund of 25.00 as 2500, not −2500.
Result<Money> ReversalFor(const Money& original_commission, const Money& original_amount, const Money& refund_amount,
                          const Money& already_refunded);

}  // namespace rt::core
