#pragma once

#include <optional>
#include <string>

#include "server/config.hpp"

namespace rt::server {

// The flags of `reftrack report`, as given (the report service checks the values).
struct ReportOptions {
    std::string program;                  // --program, required
    std::optional<std::string> from;      // --from YYYY-MM-DD (default: 29 days before --to)
    std::optional<std::string> to;        // --to YYYY-MM-DD (default: today, UTC)
    std::string group_by = "partner";     // --group-by: a summary group, or day|week|month for a time series
    std::string format = "table";         // --format: table, csv or json
    std::optional<std::string> partner;   // --partner: only this partner's traffic
    std::optional<std::string> campaign;  // --campaign
    std::optional<std::string> channel;   // --channel
    std::optional<std::string> source;    // --source: click, coupon, partner, api, recurring
    std::optional<std::string> sort;      // --sort: a metric name, "-" first for descending (summary)
    std::optional<std::string> limit;     // --limit: groups to print (summary)
};

// `reftrack report`: runs as admin against the configured database and prints the report on stdout:
// `table` an aligned text table, `csv` the CSV of `GET /api/v1/reports/...?format=csv`, `json` its JSON
// (pretty-printed). --group-by day, week or month prints the time series with that interval; any other
// group the summary. Exit 0 on success; 2 with one line on stderr naming the flag for a bad value; 1
// when the database or configuration fails.
int RunReport(const ConfigSources& sources, const ReportOptions& options);

}  // namespace rt::server
