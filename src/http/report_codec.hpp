#pragma once

#include <nlohmann/json.hpp>

#include "app/report_service.hpp"

// The JSON forms of reports, shared by the HTTP routes and `reftrack report --format json`.
// Rates and ratios are fractions; absent values are null; money is {"amount", "currency"} in minor units;
// counts that may be fractional (conversions under multi-touch attribution) are integers when whole.
namespace rt::http {

// {"object": "report", "report": "summary", "scope": {...}, "group_by", "sort", "data": [rows],
//  "has_more", "total": row without "group" | null}
nlohmann::json ToJson(const app::SummaryReport& report);
// {"object": "report", "report": "timeseries", "scope", "interval", "data": [rows with "period"], "total"}
nlohmann::json ToJson(const app::TimeseriesReport& report);
// {"object": "report", "report": "funnel", "scope", "data": [{"stage", "name", "kind", "entered", ...}]}
nlohmann::json ToJson(const app::FunnelReport& report);
// {"object": "report", "report": "cohorts", "scope", "data": [{"cohort": "2026-09", "referrals", ...}]}
nlohmann::json ToJson(const app::CohortReport& report);

// The metrics of one row: clicks, unique_clicks, referrals, conversions, refunds, the two rates, revenue,
// average_deal_size, time_to_conversion {median_s, p90_s}, commission, roi, epc.
nlohmann::json MetricsJson(const core::ReportMetrics& metrics);

// `value` as an integer JSON number when it is whole, otherwise as a double.
nlohmann::json CountJson(double value);

}  // namespace rt::http
