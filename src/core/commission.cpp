#include "core/commission.hpp"

#include <algorithm>

#include "core/attribution.hpp"
#include "core/partner.hpp"
#include "core/rounding.hpp"
#include "core/text.hpp"

namespace rt::core {

namespace {

constexpr Wide kBpsPerWhole = 10'000;

void CheckRule(FieldErrors& errors, const std::string& field, const CommissionRule& rule) {
    if (rule.kind == CommissionRule::Kind::kPercent) {
        if (rule.percent_bps < 0 || rule.percent_bps > CommissionRule::kMaxPercentBps) {
            errors.Add(field + ".percent_bps", "must be between 0 and 10000 basis points (0% to 100%)");
        }
    } else if (rule.flat_minor < 0) {
        errors.Add(field + ".flat_minor", "must not be negative");
    }
}

void CheckNotNegative(FieldErrors& errors, std::string_view field, const Money& money) {
    if (money.amount < 0) errors.Add(std::string(field), "must not be negative");
}

}  // namespace

Result<void> ValidateCommissionPlan(const CommissionPlan& plan) {
    FieldErrors errors;
    CheckRule(errors, "default_rule", plan.default_rule);
    if (plan.by_group.size() > CommissionPlan::kMaxGroups) {
        errors.Add("by_group", "must list at most " + std::to_string(CommissionPlan::kMaxGroups) + " groups");
    }
    for (const auto& [group, rule] : plan.by_group) {
        const std::string field = "by_group." + group;
        CheckSlug(errors, field, group, Partner::kMaxGroupLength);
        CheckRule(errors, field, rule);
    }
    return errors.ToResult();
}

const CommissionRule& RuleFor(const CommissionPlan& plan, std::string_view partner_group) {
    if (partner_group.empty()) return plan.default_rule;
    const auto it = plan.by_group.find(std::string(partner_group));
    return it == plan.by_group.end() ? plan.default_rule : it->second;
}

Money CommissionFor(const CommissionPlan& plan, std::string_view partner_group, const Money& amount,
                    std::int64_t weight_ppm) {
    const CommissionRule& rule = RuleFor(plan, partner_group);
    const Wide ppm = std::clamp<std::int64_t>(weight_ppm, 0, kFullWeightPpm);
    if (rule.kind == CommissionRule::Kind::kFlat) {
        return {DivideHalfEven(Wide{rule.flat_minor} * ppm, kFullWeightPpm), amount.currency};
    }
    const Wide numerator = Wide{amount.amount} * rule.percent_bps * ppm;
    return {DivideHalfEven(numerator, kBpsPerWhole * kFullWeightPpm), amount.currency};
}

Result<Money> ReversalFor(const Money& original_commission, const Money& original_amount, const Money& refund_amount,
                          const Money& already_refunded) {
    FieldErrors errors;
    if (refund_amount.currency != original_amount.currency || already_refunded.currency != original_amount.currency) {
        errors.Add("currency", "must be the original's currency, " + original_amount.currency.code());
    }
    CheckNotNegative(errors, "original_amount", original_amount);
    CheckNotNegative(errors, "refund_amount", refund_amount);
    CheckNotNegative(errors, "already_refunded", already_refunded);
    if (auto checked = errors.ToResult(); !checked) return Fail(checked.error());
    if (original_amount.amount == 0) return Money{0, original_commission.currency};

    const Wide whole = original_amount.amount;
    const Wide refunded_before = std::min<Wide>(already_refunded.amount, whole);
    const Wide refunded_after = std::min<Wide>(Wide{already_refunded.amount} + refund_amount.amount, whole);
    const std::int64_t reversed_before = DivideHalfEven(Wide{original_commission.amount} * refunded_before, whole);
    const std::int64_t reversed_after = DivideHalfEven(Wide{original_commission.amount} * refunded_after, whole);
    return Money{reversed_before - reversed_after, original_commission.currency};
}

}  // namespace rt::core
