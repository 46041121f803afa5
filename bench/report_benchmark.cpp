// Report latencies from the rollups, beside the plain SQL GROUP BY over the raw tables answering the
// same question, in one run on one database (docs/benchmarks.md, "Reports").
//
//   report_benchmark <sqlite file> [iterations] [only]
//
// `only`: run just the reports whose name contains it, without their raw SQL (for profiling).
//
// The database is one that `reftrack demo` filled (the bench script makes one with 10M clicks). The
// first program is measured over its whole span of days. Each report runs `iterations` times through
// app::ReportService (the code behind GET /api/v1/reports/*; its cache warm after the first call, whose
// time is reported apart as the cold load); each raw query runs 3 times. Figures: p50 and p99 in ms.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "app/report_service.hpp"
#include "ports/system.hpp"
#include "storage/open_store.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Timing {
    double p50 = 0;
    double p99 = 0;
};

Timing Measure(int iterations, const std::function<void()>& fn) {
    std::vector<double> ms;
    for (int i = 0; i < iterations; ++i) {
        const auto start = Clock::now();
        fn();
        ms.push_back(Ms(Clock::now() - start));
    }
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * ms.size()))]; };
    return {at(0.5), at(0.99)};
}

[[noreturn]] void Die(const std::string& what) {
    std::fprintf(stderr, "report_benchmark: %s\n", what.c_str());
    std::exit(1);
}

// Runs a query to its end, counting rows; binds text parameters in order.
long RunSql(sqlite3* db, const std::string& sql, const std::vector<std::string>& params) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) Die(sqlite3_errmsg(db));
    for (std::size_t i = 0; i < params.size(); ++i)
        sqlite3_bind_text(stmt, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
    long rows = 0;
    int rc = 0;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) ++rows;
    if (rc != SQLITE_DONE) Die(sqlite3_errmsg(db));
    sqlite3_finalize(stmt);
    return rows;
}

std::string One(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) Die(sqlite3_errmsg(db));
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
        out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return out;
}

// The raw answers: per partner (or per day) clicks, referrals, credited sales and commissions, each a
// GROUP BY over its raw table in the range — what a report would cost without rollups.
struct RawQuestion {
    std::string group;   // SQL expression per table alias: {at} is replaced by the table's time column
    std::string filter;  // extra WHERE, e.g. a partner
};

std::vector<std::string> RawSql(const RawQuestion& q) {
    auto expand = [&](std::string text, const std::string& at, const std::string& partner) {
        for (std::size_t p; (p = text.find("{at}")) != std::string::npos;) text.replace(p, 4, at);
        for (std::size_t p; (p = text.find("{partner}")) != std::string::npos;) text.replace(p, 9, partner);
        return text;
    };
    const std::string clicks = "SELECT " + expand(q.group, "at", "partner_id") +
                               ", SUM(1 - bot), SUM(CASE WHEN bot = 0 AND is_unique = 1 THEN 1 ELSE 0 END) FROM clicks"
                               " WHERE program_id = ?1 AND at >= ?2 AND at < ?3" +
                               expand(q.filter, "at", "partner_id") + " GROUP BY 1";
    const std::string referrals = "SELECT " + expand(q.group, "created_at", "partner_id") +
                                  ", COUNT(*), COUNT(converted_at) FROM referrals WHERE program_id = ?1 AND created_at "
                                  ">= ?2 AND created_at < ?3" +
                                  expand(q.filter, "created_at", "partner_id") + " GROUP BY 1";
    const std::string sales = "SELECT " + expand(q.group, "c.occurred_at", "json_extract(j.value, '$.partner_id')") +
                              ", SUM(CASE WHEN c.type = 'sale' THEN json_extract(j.value, '$.weight_ppm') ELSE 0 END),"
                              " SUM(c.amount * json_extract(j.value, '$.weight_ppm') / 1000000.0)"
                              " FROM conversions c, json_each(c.attribution_credits) j"
                              " WHERE c.program_id = ?1 AND c.occurred_at >= ?2 AND c.occurred_at < ?3" +
                              expand(q.filter, "c.occurred_at", "json_extract(j.value, '$.partner_id')") +
                              " GROUP BY 1";
    const std::string commissions = "SELECT " + expand(q.group, "c.occurred_at", "m.partner_id") +
                                    ", SUM(m.amount) FROM commissions m JOIN conversions c ON c.id = m.conversion_id"
                                    " WHERE c.program_id = ?1 AND c.occurred_at >= ?2 AND c.occurred_at < ?3" +
                                    expand(q.filter, "c.occurred_at", "m.partner_id") + " GROUP BY 1";
    return {clicks, referrals, sales, commissions};
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) Die("usage: report_benchmark <sqlite file> [iterations]");
    const std::string path = argv[1];
    const int iterations = argc > 2 ? std::max(3, std::atoi(argv[2])) : 30;
    const std::string only = argc > 3 ? argv[3] : "";

    auto store = rt::storage::OpenStore("sqlite://" + path);
    if (!store) Die(store.error().message());
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) Die("cannot open " + path);
    const std::string program = One(db, "SELECT id FROM programs ORDER BY id LIMIT 1");
    if (program.empty()) Die("no program in " + path + "; fill it with `reftrack demo` first");
    const long clicks = std::stol(One(db, "SELECT COUNT(*) FROM clicks WHERE program_id = '" + program + "'"));
    const long referrals = std::stol(One(db, "SELECT COUNT(*) FROM referrals WHERE program_id = '" + program + "'"));
    const long conversions =
        std::stol(One(db, "SELECT COUNT(*) FROM conversions WHERE program_id = '" + program + "'"));
    const long partners = std::stol(One(db, "SELECT COUNT(*) FROM partners WHERE program_id = '" + program + "'"));
    const long cells = std::stol(One(db, "SELECT COUNT(*) FROM rollup_cells WHERE program_id = '" + program + "'"));
    const long first_ms = std::stol(One(db, "SELECT MIN(at) FROM clicks WHERE program_id = '" + program + "'"));
    const long last_ms = std::stol(One(db, "SELECT MAX(at) FROM clicks WHERE program_id = '" + program + "'"));
    const auto from = rt::core::DayOf({first_ms}), to = rt::core::DayOf({last_ms});
    // The busiest partner (a star) and the median one (the long tail).
    const std::string star = One(db, "SELECT partner_id FROM rollup_cells WHERE program_id = '" + program +
                                         "' GROUP BY partner_id ORDER BY SUM(clicks) DESC LIMIT 1");
    const std::string tail =
        One(db,
            "SELECT partner_id FROM (SELECT partner_id, SUM(clicks) n FROM rollup_cells "
            "WHERE program_id = '" +
                program + "' GROUP BY partner_id ORDER BY n) LIMIT 1 OFFSET " + std::to_string(partners / 2));
    std::printf(
        "database %s: %ld partners, %ld clicks, %ld referrals, %ld conversions, %ld rollup cells, "
        "%s..%s (%d days)\n\n",
        path.c_str(), partners, clicks, referrals, conversions, cells, rt::core::FormatDate(from).c_str(),
        rt::core::FormatDate(to).c_str(), to - from + 1);

    rt::ports::SystemClock clock;
    rt::ports::SodiumRandom random;
    rt::ports::Sha256Digest digest;
    rt::app::ReportService reports({**store, clock, random, digest});
    const rt::app::Principal admin{rt::core::Scope::Admin(), {}};
    const auto f = rt::core::FormatDate(from), t = rt::core::FormatDate(to);
    auto must = [](const auto& result) {
        if (!result) Die(result.error().message());
    };

    const auto cold_start = Clock::now();
    must(reports.Summary(admin, {.program_id = program, .from = f, .to = t, .group_by = "program"}));
    const double cold_ms = Ms(Clock::now() - cold_start);

    struct Row {
        std::string name;
        std::function<void()> report;
        RawQuestion raw;  // empty group: no raw equivalent measured
    };
    const std::string day = "({at} / 86400000)";
    const std::vector<Row> rows = {
        {"summary, whole program",
         [&] { must(reports.Summary(admin, {.program_id = program, .from = f, .to = t, .group_by = "program"})); },
         {"'all'", ""}},
        {"summary by partner (all partners)",
         [&] { must(reports.Summary(admin, {.program_id = program, .from = f, .to = t, .group_by = "partner"})); },
         {"{partner}", ""}},
        {"summary by partner, top 50 by revenue",
         [&] {
             must(reports.Summary(admin,
                                  {.program_id = program, .from = f, .to = t, .group_by = "partner", .limit = "50"}));
         },
         {}},
        {"summary by campaign",
         [&] { must(reports.Summary(admin, {.program_id = program, .from = f, .to = t, .group_by = "campaign"})); },
         {}},
        {"summary by channel, last 30 days",
         [&] {
             must(reports.Summary(
                 admin,
                 {.program_id = program, .from = rt::core::FormatDate(to - 29), .to = t, .group_by = "channel"}));
         },
         {}},
        {"timeseries by day, whole program",
         [&] { must(reports.Timeseries(admin, {.program_id = program, .from = f, .to = t, .interval = "day"})); },
         {day, ""}},
        {"timeseries by day, star partner",
         [&] {
             must(reports.Timeseries(
                 admin, {.program_id = program, .partner_id = star, .from = f, .to = t, .interval = "day"}));
         },
         {day, " AND {partner} = '" + star + "'"}},
        {"timeseries by day, median partner",
         [&] {
             must(reports.Timeseries(
                 admin, {.program_id = program, .partner_id = tail, .from = f, .to = t, .interval = "day"}));
         },
         {day, " AND {partner} = '" + tail + "'"}},
        {"timeseries by week, channel=blog",
         [&] {
             must(reports.Timeseries(
                 admin, {.program_id = program, .channel = "blog", .from = f, .to = t, .interval = "week"}));
         },
         {}},
        {"funnel", [&] { must(reports.Funnel(admin, {.program_id = program, .from = f, .to = t})); }, {}},
        {"cohorts", [&] { must(reports.Cohorts(admin, {.program_id = program, .from = f, .to = t})); }, {}},
    };

    std::printf("cold load of the report cache (first report after start): %.0f ms\n\n", cold_ms);
    std::printf("%-40s %10s %10s %14s %10s\n", "report", "p50 ms", "p99 ms", "raw SQL ms", "ratio");
    const std::vector<std::string> params = {program, std::to_string(rt::core::StartOf(from).unix_ms),
                                             std::to_string(rt::core::StartOf(to + 1).unix_ms)};
    for (const auto& row : rows) {
        if (!only.empty() && row.name.find(only) == std::string::npos) continue;
        const auto timing = Measure(iterations, row.report);
        if (row.raw.group.empty() || !only.empty()) {
            std::printf("%-40s %10.2f %10.2f %14s %10s\n", row.name.c_str(), timing.p50, timing.p99, "-", "-");
            continue;
        }
        const auto queries = RawSql(row.raw);
        const auto raw = Measure(3, [&] {
            for (const auto& sql : queries) RunSql(db, sql, params);
        });
        std::printf("%-40s %10.2f %10.2f %14.0f %9.0fx\n", row.name.c_str(), timing.p50, timing.p99, raw.p50,
                    raw.p50 / std::max(timing.p50, 0.001));
        std::fflush(stdout);
    }
    sqlite3_close(db);
    return 0;
}
