#pragma once

#include <optional>
#include <string_view>

#include "app/report_service.hpp"
#include "http/api_support.hpp"
#include "http/router.hpp"

namespace rt::http {

// What the report routes call; owned by the composition root.
struct ReportContext {
    app::ReportService& reports;
    Authenticator keys;  // API keys, and session cookies when it has a SessionService
};

// GET /api/v1/reports/{summary,timeseries,funnel,cohorts}: the query parameters are the fields of
// app::ReportQuery plus `format`; any other parameter, or one given twice, answers 422 naming it.
// JSON by default (report_codec.hpp); CSV (app/report_table.hpp) with ?format=csv, or with an Accept
// header preferring text/csv when `format` is absent.
void AddReportRoutes(Router& router, ReportContext& ctx);

// True when an Accept header value prefers text/csv to JSON: text/csv (or text/*, or */*, the most
// specific range that matches) has a higher q than application/json (likewise). nullopt: no header.
bool AcceptPrefersCsv(std::optional<std::string_view> accept);

}  // namespace rt::http
