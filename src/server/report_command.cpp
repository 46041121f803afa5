#include "server/report_command.hpp"

#include <iostream>
#include <map>

#include "app/report_table.hpp"
#include "http/report_codec.hpp"
#include "server/logging.hpp"
#include "server/services.hpp"

namespace rt::server {

namespace {

// The flag behind each field the report service may name.
std::string FlagOf(const std::string& field) {
    static const std::map<std::string, std::string, std::less<>> kFlags = {
        {"program_id", "--program"},
        {"partner_id", "--partner"},
        {"campaign", "--campaign"},
        {"channel", "--channel"},
        {"source", "--source"},
        {"from", "--from"},
        {"to", "--to"},
        {"group_by", "--group-by"},
        {"interval", "--group-by"},
        {"sort", "--sort"},
        {"limit", "--limit"},
    };
    const auto it = kFlags.find(field);
    return it == kFlags.end() ? field : it->second;
}

// One line on stderr; 2 for values the user can correct, 1 for everything else.
int PrintReportError(const core::Error& error) {
    if (error.code() != core::ErrorCode::kInvalid || error.fields().empty()) {
        std::cerr << "reftrack: " << error.message() << "\n";
        return error.code() == core::ErrorCode::kInvalid ? 2 : 1;
    }
    std::string line;
    for (const auto& f : error.fields()) line += (line.empty() ? "" : "; ") + FlagOf(f.field) + ": " + f.message;
    std::cerr << "reftrack: " << line << "\n";
    return 2;
}

bool IsInterval(const std::string& group_by) { return group_by == "day" || group_by == "week" || group_by == "month"; }

app::ReportQuery QueryOf(const ReportOptions& o) {
    app::ReportQuery q;
    q.program_id = o.program;
    q.partner_id = o.partner;
    q.campaign = o.campaign;
    q.channel = o.channel;
    q.source = o.source;
    q.from = o.from;
    q.to = o.to;
    q.sort = o.sort;  // the service refuses --sort and --limit for a time series
    q.limit = o.limit;
    if (IsInterval(o.group_by)) {
        q.interval = o.group_by;
    } else {
        q.group_by = o.group_by;
    }
    return q;
}

template <class Report>
void Print(const Report& report, const std::string& format, const std::string& caption, bool has_more) {
    if (format == "json") {
        std::cout << http::ToJson(report).dump(2) << "\n";
    } else if (format == "csv") {
        std::cout << app::ToCsv(app::TableOf(report));
    } else {
        std::cout << caption << ", " << core::FormatDate(report.scope.from) << " to "
                  << core::FormatDate(report.scope.to) << "\n\n"
                  << app::ToText(app::TableOf(report));
        if (has_more) std::cout << "(more groups than shown: raise --limit)\n";
    }
    std::cout.flush();
}

}  // namespace

int RunReport(const ConfigSources& sources, const ReportOptions& options) {
    if (options.format != "table" && options.format != "csv" && options.format != "json") {
        std::cerr << "reftrack: --format must be table, csv or json\n";
        return 2;
    }
    auto config = LoadConfig(sources);
    if (!config) {
        std::cerr << "reftrack: " << config.error().message() << "\n";
        return 1;
    }
    SetUpLogging(config->log_level);
    auto services = Services::Open(*config);
    if (!services) {
        std::cerr << "reftrack: " << services.error().message() << "\n";
        return 1;
    }
    const app::Principal admin{core::Scope::Admin(), {}};
    const app::ReportQuery query = QueryOf(options);
    if (IsInterval(options.group_by)) {
        auto report = (*services)->reports().Timeseries(admin, query);
        if (!report) return PrintReportError(report.error());
        Print(*report, options.format, "time series by " + options.group_by, false);
        return 0;
    }
    auto report = (*services)->reports().Summary(admin, query);
    if (!report) return PrintReportError(report.error());
    Print(*report, options.format, "summary by " + report->group_by, report->has_more);
    return 0;
}

}  // namespace rt::server
