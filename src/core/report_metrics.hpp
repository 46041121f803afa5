#pragma once

#include <cstdint>
#include <optional>

#include "core/money.hpp"
#include "core/rollup.hpp"

namespace rt::core {

// THE METRICS: one definition each, used by the API, the CLI, the dashboard and CSV alike.
// Rates and ratios are fractions; a ratio with nothing to divide by is absent (null), never 0 or ∞.
struct ReportMetrics {
    std::int64_t clicks = 0;         // bots excluded
    std::int64_t unique_clicks = 0;  // bots excluded; the first visit of a visitor through a link within the hour
    std::int64_t referrals = 0;      // created in the period
    double conversions = 0;          // credited sales; fractional under multi-touch attribution
    double refunds = 0;              // credited refunds
    std::optional<double> click_to_referral_rate;  // referrals / clicks
    std::optional<double>
        referral_to_conversion_rate;  // of the referrals created in the period, the share that reached a first sale
    Money revenue;                    // credited sales − credited refunds
    std::optional<Money> average_deal_size;                   // credited sales / conversions (gross: before refunds)
    std::optional<std::int64_t> time_to_conversion_median_s;  // from the journey's start to the sale
    std::optional<std::int64_t> time_to_conversion_p90_s;
    Money commission;           // commissions less reversals
    std::optional<double> roi;  // (revenue − commission) / commission
    std::optional<Money> epc;   // commission / clicks, rounded to the minor unit (half even)

    bool operator==(const ReportMetrics&) const = default;
};

ReportMetrics MetricsOf(const Measures& m, const Currency& currency);

// Cohort shares of the referrals created in a period.
struct CohortMetrics {
    std::int64_t referrals = 0;
    std::int64_t converted = 0;
    std::int64_t converted_7d = 0;
    std::int64_t converted_30d = 0;
    std::int64_t converted_90d = 0;
    std::optional<double> share_7d;  // converted_7d / referrals
    std::optional<double> share_30d;
    std::optional<double> share_90d;
    std::optional<double> share;  // converted / referrals, so far

    bool operator==(const CohortMetrics&) const = default;
};

CohortMetrics CohortOf(const Measures& m);

// One stage of the funnel.
struct StageMetrics {
    std::int64_t entered = 0;
    std::int64_t moved_on = 0;
    std::optional<double> moved_on_rate;  // moved_on / entered
    std::optional<std::int64_t> time_in_stage_median_s;
    std::optional<std::int64_t> time_in_stage_p90_s;

    bool operator==(const StageMetrics&) const = default;
};

StageMetrics StageOf(const FunnelMeasures& m);

}  // namespace rt::core
