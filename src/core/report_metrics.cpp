#include "core/report_metrics.hpp"

#include "core/attribution.hpp"
#include "core/rounding.hpp"

namespace rt::core {

namespace {

std::optional<double> Ratio(double num, double den) {
    if (den == 0) return std::nullopt;
    return num / den;
}

}  // namespace

ReportMetrics MetricsOf(const Measures& m, const Currency& currency) {
    ReportMetrics r;
    r.clicks = m.clicks;
    r.unique_clicks = m.unique_clicks;
    r.referrals = m.referrals;
    r.conversions = static_cast<double>(m.conversions_ppm) / kFullWeightPpm;
    r.refunds = static_cast<double>(m.refunds_ppm) / kFullWeightPpm;
    r.click_to_referral_rate = Ratio(static_cast<double>(m.referrals), static_cast<double>(m.clicks));
    r.referral_to_conversion_rate = Ratio(static_cast<double>(m.converted), static_cast<double>(m.referrals));
    r.revenue = Money{m.sales_minor - m.refunded_minor, currency};
    if (m.conversions_ppm > 0)
        r.average_deal_size = Money{DivideHalfEven(Wide{m.sales_minor} * kFullWeightPpm, m.conversions_ppm), currency};
    r.time_to_conversion_median_s = m.time_to_conversion.Quantile(0.5);
    r.time_to_conversion_p90_s = m.time_to_conversion.Quantile(0.9);
    r.commission = Money{m.commission_minor, currency};
    r.roi =
        Ratio(static_cast<double>(r.revenue.amount - r.commission.amount), static_cast<double>(r.commission.amount));
    if (m.clicks > 0) r.epc = Money{DivideHalfEven(m.commission_minor, m.clicks), currency};
    return r;
}

CohortMetrics CohortOf(const Measures& m) {
    CohortMetrics c;
    c.referrals = m.referrals;
    c.converted = m.converted;
    c.converted_7d = m.converted_7d;
    c.converted_30d = m.converted_30d;
    c.converted_90d = m.converted_90d;
    const auto n = static_cast<double>(m.referrals);
    c.share_7d = Ratio(static_cast<double>(m.converted_7d), n);
    c.share_30d = Ratio(static_cast<double>(m.converted_30d), n);
    c.share_90d = Ratio(static_cast<double>(m.converted_90d), n);
    c.share = Ratio(static_cast<double>(m.converted), n);
    return c;
}

StageMetrics StageOf(const FunnelMeasures& m) {
    StageMetrics s;
    s.entered = m.entered;
    s.moved_on = m.moved_on;
    s.moved_on_rate = Ratio(static_cast<double>(m.moved_on), static_cast<double>(m.entered));
    s.time_in_stage_median_s = m.time_in_stage.Quantile(0.5);
    s.time_in_stage_p90_s = m.time_in_stage.Quantile(0.9);
    return s;
}

}  // namespace rt::core
