#include "http/routes_reports.hpp"

#include <charconv>
#include <map>
#include <set>

#include "app/report_table.hpp"
#include "core/text.hpp"
#include "http/api_support.hpp"
#include "http/problem.hpp"
#include "http/report_codec.hpp"

namespace rt::http {

namespace {

enum class Format { kJson, kCsv };

struct ReportRequest {
    app::ReportQuery query;
    Format format = Format::kJson;
};

// The query parameters of every report, and where each lands in the query.
const std::map<std::string, std::optional<std::string> app::ReportQuery::*, std::less<>>& QueryFields() {
    using Q = app::ReportQuery;
    static const std::map<std::string, std::optional<std::string> Q::*, std::less<>> kFields = {
        {"program_id", &Q::program_id},
        {"partner_id", &Q::partner_id},
        {"campaign", &Q::campaign},
        {"channel", &Q::channel},
        {"source", &Q::source},
        {"from", &Q::from},
        {"to", &Q::to},
        {"group_by", &Q::group_by},
        {"interval", &Q::interval},
        {"sort", &Q::sort},
        {"limit", &Q::limit},
    };
    return kFields;
}

// The report's query from the request's parameters; kInvalid naming every unknown, repeated or bad one.
core::Result<ReportRequest> ReadReportRequest(const Request& req) {
    ReportRequest out;
    core::FieldErrors errors;
    std::set<std::string> seen;
    std::optional<std::string> format;
    for (auto& [name, value] : ParseQuery(req.query)) {
        if (!seen.insert(name).second) {
            errors.Add(name, "is given more than once");
            continue;
        }
        if (name == "format") {
            format = value;
        } else if (const auto field = QueryFields().find(name); field != QueryFields().end()) {
            out.query.*(field->second) = value;
        } else {
            errors.Add(name, "is not a known parameter");
        }
    }
    if (format) {
        if (*format == "csv") {
            out.format = Format::kCsv;
        } else if (*format != "json") {
            errors.Add("format", "must be csv or json");
        }
    } else if (AcceptPrefersCsv(req.HeaderValue("accept"))) {
        out.format = Format::kCsv;
    }
    if (auto ok = errors.ToResult(); !ok) return core::Fail(ok.error());
    return out;
}

// The q of a media range's parameters ("q=0.5"): 1 when absent, 0 when malformed.
double QualityOf(std::string_view params) {
    double q = 1;
    while (!params.empty()) {
        const auto semi = params.find(';');
        const std::string param = core::Trim(params.substr(0, semi));
        params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
        if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') continue;
        const std::string_view text = std::string_view(param).substr(2);
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), q);
        if (ec != std::errc() || ptr != text.data() + text.size() || q < 0 || q > 1) return 0;
    }
    return q;
}

Response CsvResponse(std::string_view report, const app::ReportScope& scope, std::string body) {
    Response res;
    res.status = 200;
    res.SetHeader("Content-Type", "text/csv; charset=utf-8");
    res.SetHeader("Content-Disposition", "attachment; filename=\"reftrack-" + std::string(report) + "-" +
                                             core::FormatDate(scope.from) + "-" + core::FormatDate(scope.to) +
                                             ".csv\"");
    res.body = std::move(body);
    return res;
}

template <class Report>
using RunReport = core::Result<Report> (app::ReportService::*)(const app::Principal&, const app::ReportQuery&);

template <class Report>
void AddReportRoute(Router& router, ReportContext& ctx, std::string_view name, RunReport<Report> run) {
    router.Add(Method::kGet, "/api/v1/reports/" + std::string(name),
               Authed(ctx.keys, [&ctx, name, run](const Request& req, const PathParams&, const app::Principal& who) {
                   auto request = ReadReportRequest(req);
                   if (!request) return ErrorResponse(request.error());
                   auto report = (ctx.reports.*run)(who, request->query);
                   if (!report) return ErrorResponseLogged(report.error(), req);
                   if (request->format == Format::kCsv) {
                       return CsvResponse(name, report->scope, app::ToCsv(app::TableOf(*report)));
                   }
                   return JsonResponse(200, ToJson(*report));
               }));
}

}  // namespace

bool AcceptPrefersCsv(std::optional<std::string_view> accept) {
    if (!accept) return false;
    // Per kind: the specificity of the most specific matching range (2 exact, 1 type/*, 0 */*) and its q.
    std::pair<int, double> csv{-1, 0};
    std::pair<int, double> json{-1, 0};
    std::string_view rest = *accept;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string_view range = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        const auto semi = range.find(';');
        const std::string media = core::ToLower(core::Trim(range.substr(0, semi)));
        const double q = semi == std::string_view::npos ? 1 : QualityOf(range.substr(semi + 1));
        auto consider = [q](std::pair<int, double>& best, int specificity) {
            if (specificity > best.first) best = {specificity, q};
        };
        if (media == "text/csv") consider(csv, 2);
        if (media == "text/*") consider(csv, 1);
        if (media == "application/json") consider(json, 2);
        if (media == "application/*") consider(json, 1);
        if (media == "*/*") {
            consider(csv, 0);
            consider(json, 0);
        }
    }
    return csv.second > 0 && csv.second > json.second;
}

void AddReportRoutes(Router& router, ReportContext& ctx) {
    AddReportRoute<app::SummaryReport>(router, ctx, "summary", &app::ReportService::Summary);
    AddReportRoute<app::TimeseriesReport>(router, ctx, "timeseries", &app::ReportService::Timeseries);
    AddReportRoute<app::FunnelReport>(router, ctx, "funnel", &app::ReportService::Funnel);
    AddReportRoute<app::CohortReport>(router, ctx, "cohorts", &app::ReportService::Cohorts);
}

}  // namespace rt::http
