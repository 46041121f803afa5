#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/deps.hpp"
#include "app/principal.hpp"
#include "core/calendar.hpp"
#include "core/error.hpp"
#include "core/report_metrics.hpp"

namespace rt::app {

// The query of any report, as received (HTTP query parameters, CLI flags); the service checks it and
// answers kInvalid naming the field. Dates are UTC calendar days, both ends inclusive.
struct ReportQuery {
    std::optional<std::string> program_id;  // required, except for group_by=program; implied for partner keys
    std::optional<std::string> partner_id;  // filter
    std::optional<std::string> campaign;    // filter (a link's campaign; "" matches traffic through no campaign)
    std::optional<std::string> channel;     // filter (a link's channel)
    std::optional<std::string> source;      // filter: click, coupon, partner, api, recurring
    std::optional<std::string> from;        // YYYY-MM-DD; default: 29 days before `to` (cohorts: 11 months before)
    std::optional<std::string> to;          // YYYY-MM-DD; default: today (UTC)
    std::optional<std::string> group_by;    // summary: program, partner (default), link, campaign, channel, source
    std::optional<std::string> interval;    // timeseries: day (default), week, month
    std::optional<std::string> sort;        // summary: a metric name, "-" first for descending; default -revenue
    std::optional<std::string> limit;       // summary: rows, 1..100000, default 1000
};

// The range and filters a report was computed for, after defaults.
struct ReportScope {
    std::optional<std::string> program_id;
    std::optional<std::string> partner_id;
    std::optional<std::string> campaign;
    std::optional<std::string> channel;
    std::optional<std::string> source;
    core::Day from = 0;
    core::Day to = 0;
};

// What a summary row is a group of, as ordered (name, value) pairs:
//   program  → program_id, program_name
//   partner  → partner_id, partner_name
//   link     → link_id, code, partner_id, campaign, channel ("" link_id: traffic through no link)
//   campaign → campaign    channel → channel    source → source
using ReportGroup = std::vector<std::pair<std::string, std::string>>;

struct SummaryRow {
    ReportGroup group;
    core::ReportMetrics metrics;  // money in the row's program currency
};

struct SummaryReport {
    ReportScope scope;
    std::string group_by;
    std::string sort;  // as applied, e.g. "-revenue"
    std::vector<SummaryRow> rows;
    bool has_more = false;            // more groups than `limit`
    std::optional<SummaryRow> total;  // every group together (absent when rows are in several currencies)
};

struct TimeseriesRow {
    core::Day period = 0;  // the first day of the period (a Monday for weeks, the 1st for months)
    core::ReportMetrics metrics;
};

struct TimeseriesReport {
    ReportScope scope;
    std::string interval;             // day, week, month
    std::vector<TimeseriesRow> rows;  // every period that overlaps [from, to], oldest first, zeros included
    SummaryRow total;
};

struct FunnelRow {
    std::string stage;  // key
    std::string name;
    std::string kind;  // open, won, lost
    core::StageMetrics metrics;
};

struct FunnelReport {
    ReportScope scope;            // of the referrals created in [from, to]
    std::vector<FunnelRow> rows;  // the program's stages in pipeline order, then stages no longer configured
};

struct CohortRow {
    core::Day month = 0;  // first day of the month the referrals were created in
    core::CohortMetrics metrics;
};

struct CohortReport {
    ReportScope scope;
    std::vector<CohortRow> rows;  // every month overlapping [from, to], oldest first
};

class RollupCache;

// Reports, computed from the rollups (never from raw clicks) through an in-memory cache of the cells
// that refreshes itself from the cells written since it last looked. Partner keys see their own rows
// only (the partner filter is forced); ingest keys are refused. Thread-safe; blocking.
class ReportService {
  public:
    explicit ReportService(Deps deps);
    ~ReportService();

    core::Result<SummaryReport> Summary(const Principal& who, const ReportQuery& query);
    core::Result<TimeseriesReport> Timeseries(const Principal& who, const ReportQuery& query);
    core::Result<FunnelReport> Funnel(const Principal& who, const ReportQuery& query);
    core::Result<CohortReport> Cohorts(const Principal& who, const ReportQuery& query);

  private:
    Deps deps_;
    std::unique_ptr<RollupCache> cache_;
};

// The metric columns of reports in their one order and names, shared by JSON, CSV and the terminal
// table: clicks, unique_clicks, referrals, conversions, refunds, click_to_referral_rate,
// referral_to_conversion_rate, revenue, average_deal_size, time_to_conversion_median_s,
// time_to_conversion_p90_s, commission, roi, epc. Sort keys are these names.
const std::vector<std::string>& MetricNames();

}  // namespace rt::app
