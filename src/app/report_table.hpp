#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/report_service.hpp"
#include "core/money.hpp"

// Reports as tables of cells: what CSV and the terminal table print, so both show the same columns,
// named as in the JSON (flattened: time_to_conversion_median_s), with the same values. Pure; thread-safe.
namespace rt::app {

enum class ColumnKind {
    kText,      // ids, names, codes, campaigns, dates: guarded against formula injection in CSV
    kInteger,   // counts, seconds
    kDecimal,   // rates, ROI, (fractional) conversions: at most 6 decimals, "1" not "1.000000"
    kMoney,     // an amount in major units of the row's currency: "129.99", "-12.50", "1500" for JPY
    kCurrency,  // the ISO 4217 code of the row's money columns
};

struct ReportColumn {
    std::string name;
    ColumnKind kind = ColumnKind::kText;

    bool operator==(const ReportColumn&) const = default;
};

// An absent metric (a ratio with nothing to divide by, a quantile of no conversion) is an empty cell.
struct ReportTable {
    std::vector<ReportColumn> columns;
    std::vector<std::vector<std::string>> rows;  // each exactly as wide as `columns`
    // Every row together (the summary's and time series' total); shown by the terminal table, left out
    // of CSV so that a spreadsheet's sums and pivots see the rows only.
    std::optional<std::vector<std::string>> total;
};

// Summary: the group's columns (for group_by=partner: partner_id, partner_name; see ReportGroup), then
// MetricNames() in order, then `currency`.
ReportTable TableOf(const SummaryReport& report);
// Time series: period (the first day, YYYY-MM-DD), MetricNames(), currency.
ReportTable TableOf(const TimeseriesReport& report);
// Funnel: stage, name, kind, entered, moved_on, moved_on_rate, time_in_stage_median_s, time_in_stage_p90_s.
ReportTable TableOf(const FunnelReport& report);
// Cohorts: cohort (YYYY-MM), referrals, converted, converted_7d, converted_30d, converted_90d, share_7d,
// share_30d, share_90d, share.
ReportTable TableOf(const CohortReport& report);

// RFC 4180 with CRLF line ends and a header row; text cells neutralised against formula injection
// (core/csv.hpp), numbers never.
std::string ToCsv(const ReportTable& table);

// An aligned plain-text table for a terminal: a header, a rule, the rows, and the total under a second
// rule. Numbers right-aligned; money with its currency ("129.99 EUR"; the currency column is folded in);
// absent values as "-"; control characters in text shown as '?'. Every line ends with "\n".
std::string ToText(const ReportTable& table);

// `money` in major units as a plain decimal: {-1250, EUR} → "-12.50", {1500, JPY} → "1500".
std::string FormatMajorUnits(const core::Money& money);

// A whole number without decimals ("3"), otherwise rounded to 6 decimals with trailing zeros dropped
// ("0.333333", "0.5").
std::string FormatDecimal(double value);

}  // namespace rt::app
