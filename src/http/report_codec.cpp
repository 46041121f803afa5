#include "http/report_codec.hpp"

#include <cmath>

#include "http/funnel_codec.hpp"

namespace rt::http {

namespace {

using Json = nlohmann::json;

template <class T>
Json OrNull(const std::optional<T>& value) {
    return value ? Json(*value) : Json(nullptr);
}

Json MoneyOrNull(const std::optional<core::Money>& money) { return money ? MoneyJson(*money) : Json(nullptr); }

Json ScopeJson(const app::ReportScope& scope) {
    return {{"program_id", OrNull(scope.program_id)}, {"partner_id", OrNull(scope.partner_id)},
            {"campaign", OrNull(scope.campaign)},     {"channel", OrNull(scope.channel)},
            {"source", OrNull(scope.source)},         {"from", core::FormatDate(scope.from)},
            {"to", core::FormatDate(scope.to)}};
}

Json GroupJson(const app::ReportGroup& group) {
    Json out = Json::object();
    for (const auto& [name, value] : group) out[name] = value;
    return out;
}

Json Report(std::string_view name, const app::ReportScope& scope) {
    return {{"object", "report"}, {"report", name}, {"scope", ScopeJson(scope)}};
}

}  // namespace

Json CountJson(double value) {
    constexpr double kLimit = 9007199254740992.0;  // 2^53: every whole double below is exact as an integer
    if (std::isfinite(value) && std::trunc(value) == value && std::fabs(value) < kLimit) {
        return Json(static_cast<std::int64_t>(value));
    }
    return Json(value);
}

Json MetricsJson(const core::ReportMetrics& m) {
    return {{"clicks", m.clicks},
            {"unique_clicks", m.unique_clicks},
            {"referrals", m.referrals},
            {"conversions", CountJson(m.conversions)},
            {"refunds", CountJson(m.refunds)},
            {"click_to_referral_rate", OrNull(m.click_to_referral_rate)},
            {"referral_to_conversion_rate", OrNull(m.referral_to_conversion_rate)},
            {"revenue", MoneyJson(m.revenue)},
            {"average_deal_size", MoneyOrNull(m.average_deal_size)},
            {"time_to_conversion",
             {{"median_s", OrNull(m.time_to_conversion_median_s)}, {"p90_s", OrNull(m.time_to_conversion_p90_s)}}},
            {"commission", MoneyJson(m.commission)},
            {"roi", OrNull(m.roi)},
            {"epc", MoneyOrNull(m.epc)}};
}

Json ToJson(const app::SummaryReport& report) {
    Json data = Json::array();
    for (const auto& row : report.rows) {
        Json j = MetricsJson(row.metrics);
        j["group"] = GroupJson(row.group);
        data.push_back(std::move(j));
    }
    Json out = Report("summary", report.scope);
    out["group_by"] = report.group_by;
    out["sort"] = report.sort;
    out["data"] = std::move(data);
    out["has_more"] = report.has_more;
    out["total"] = report.total ? MetricsJson(report.total->metrics) : Json(nullptr);
    return out;
}

Json ToJson(const app::TimeseriesReport& report) {
    Json data = Json::array();
    for (const auto& row : report.rows) {
        Json j = MetricsJson(row.metrics);
        j["period"] = core::FormatDate(row.period);
        data.push_back(std::move(j));
    }
    Json out = Report("timeseries", report.scope);
    out["interval"] = report.interval;
    out["data"] = std::move(data);
    out["total"] = MetricsJson(report.total.metrics);
    return out;
}

Json ToJson(const app::FunnelReport& report) {
    Json data = Json::array();
    for (const auto& row : report.rows) {
        const core::StageMetrics& m = row.metrics;
        data.push_back({{"stage", row.stage},
                        {"name", row.name},
                        {"kind", row.kind},
                        {"entered", m.entered},
                        {"moved_on", m.moved_on},
                        {"moved_on_rate", OrNull(m.moved_on_rate)},
                        {"time_in_stage",
                         {{"median_s", OrNull(m.time_in_stage_median_s)}, {"p90_s", OrNull(m.time_in_stage_p90_s)}}}});
    }
    Json out = Report("funnel", report.scope);
    out["data"] = std::move(data);
    return out;
}

Json ToJson(const app::CohortReport& report) {
    Json data = Json::array();
    for (const auto& row : report.rows) {
        const core::CohortMetrics& m = row.metrics;
        data.push_back({{"cohort", core::FormatMonth(row.month)},
                        {"referrals", m.referrals},
                        {"converted", m.converted},
                        {"converted_7d", m.converted_7d},
                        {"converted_30d", m.converted_30d},
                        {"converted_90d", m.converted_90d},
                        {"share_7d", OrNull(m.share_7d)},
                        {"share_30d", OrNull(m.share_30d)},
                        {"share_90d", OrNull(m.share_90d)},
                        {"share", OrNull(m.share)}});
    }
    Json out = Report("cohorts", report.scope);
    out["data"] = std::move(data);
    return out;
}

}  // namespace rt::http
