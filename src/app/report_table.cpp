#include "app/report_table.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>

#include "core/csv.hpp"

namespace rt::app {

namespace {

std::string Integer(std::int64_t v) { return std::to_string(v); }
std::string Integer(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : ""; }
std::string Decimal(const std::optional<double>& v) { return v ? FormatDecimal(*v) : ""; }
std::string Major(const std::optional<core::Money>& v) { return v ? FormatMajorUnits(*v) : ""; }

struct MetricColumn {
    ColumnKind kind;
    std::function<std::string(const core::ReportMetrics&)> cell;
};

// The cell of each metric, by its name in MetricNames().
const std::map<std::string, MetricColumn, std::less<>>& MetricColumns() {
    using M = core::ReportMetrics;
    static const std::map<std::string, MetricColumn, std::less<>> kColumns = {
        {"clicks", {ColumnKind::kInteger, [](const M& m) { return Integer(m.clicks); }}},
        {"unique_clicks", {ColumnKind::kInteger, [](const M& m) { return Integer(m.unique_clicks); }}},
        {"referrals", {ColumnKind::kInteger, [](const M& m) { return Integer(m.referrals); }}},
        {"conversions", {ColumnKind::kDecimal, [](const M& m) { return FormatDecimal(m.conversions); }}},
        {"refunds", {ColumnKind::kDecimal, [](const M& m) { return FormatDecimal(m.refunds); }}},
        {"click_to_referral_rate",
         {ColumnKind::kDecimal, [](const M& m) { return Decimal(m.click_to_referral_rate); }}},
        {"referral_to_conversion_rate",
         {ColumnKind::kDecimal, [](const M& m) { return Decimal(m.referral_to_conversion_rate); }}},
        {"revenue", {ColumnKind::kMoney, [](const M& m) { return FormatMajorUnits(m.revenue); }}},
        {"average_deal_size", {ColumnKind::kMoney, [](const M& m) { return Major(m.average_deal_size); }}},
        {"time_to_conversion_median_s",
         {ColumnKind::kInteger, [](const M& m) { return Integer(m.time_to_conversion_median_s); }}},
        {"time_to_conversion_p90_s",
         {ColumnKind::kInteger, [](const M& m) { return Integer(m.time_to_conversion_p90_s); }}},
        {"commission", {ColumnKind::kMoney, [](const M& m) { return FormatMajorUnits(m.commission); }}},
        {"roi", {ColumnKind::kDecimal, [](const M& m) { return Decimal(m.roi); }}},
        {"epc", {ColumnKind::kMoney, [](const M& m) { return Major(m.epc); }}},
    };
    return kColumns;
}

// A name without a column is a programmer error (report_table_test checks every name has one); release
// builds show it as an empty column rather than crash.
const MetricColumn& ColumnOf(const std::string& name) {
    static const MetricColumn kUnknown{ColumnKind::kDecimal, [](const core::ReportMetrics&) { return std::string(); }};
    const auto it = MetricColumns().find(name);
    assert(it != MetricColumns().end() && "every name of MetricNames() has a column");
    return it == MetricColumns().end() ? kUnknown : it->second;
}

void AddMetricColumns(std::vector<ReportColumn>& columns) {
    for (const auto& name : MetricNames()) columns.push_back({name, ColumnOf(name).kind});
    columns.push_back({"currency", ColumnKind::kCurrency});
}

void AddMetricCells(const core::ReportMetrics& m, std::vector<std::string>& row) {
    for (const auto& name : MetricNames()) row.push_back(ColumnOf(name).cell(m));
    row.push_back(m.revenue.currency.code());
}

// The group columns of a summary: those ReportGroup documents for `group_by`, then any other name the
// rows carry, in the order first seen.
std::vector<std::string> GroupColumns(const SummaryReport& report) {
    static const std::map<std::string, std::vector<std::string>, std::less<>> kByGroup = {
        {"program", {"program_id", "program_name"}},
        {"partner", {"partner_id", "partner_name"}},
        {"link", {"link_id", "code", "partner_id", "campaign", "channel"}},
        {"campaign", {"campaign"}},
        {"channel", {"channel"}},
        {"source", {"source"}},
    };
    std::vector<std::string> names;
    if (const auto it = kByGroup.find(report.group_by); it != kByGroup.end()) names = it->second;
    for (const auto& row : report.rows) {
        for (const auto& [name, value] : row.group) {
            if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
        }
    }
    return names;
}

std::string GroupValue(const ReportGroup& group, const std::string& name) {
    for (const auto& [n, v] : group) {
        if (n == name) return v;
    }
    return "";
}

// A total row: "total" in the first column, the other leading text columns empty, then the metrics.
std::vector<std::string> TotalRow(std::size_t leading_columns, const core::ReportMetrics& metrics) {
    std::vector<std::string> row(leading_columns);
    if (!row.empty()) row.front() = "total";
    AddMetricCells(metrics, row);
    return row;
}

// How many characters a terminal shows for UTF-8 `text` (code points; wide characters count as one).
std::size_t DisplayWidth(const std::string& text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string Printable(const std::string& text) {
    std::string out = text;
    for (auto& c : out) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) c = '?';
    }
    return out;
}

bool RightAligned(ColumnKind kind) { return kind != ColumnKind::kText && kind != ColumnKind::kCurrency; }

// The cells of one row as the terminal shows them, one per shown column (currency columns folded).
std::vector<std::string> ShownCells(const ReportTable& table, const std::vector<std::string>& row) {
    std::string currency;
    for (std::size_t i = 0; i < table.columns.size() && i < row.size(); ++i) {
        if (table.columns[i].kind == ColumnKind::kCurrency) currency = row[i];
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
        const ColumnKind kind = table.columns[i].kind;
        if (kind == ColumnKind::kCurrency) continue;
        const std::string cell = i < row.size() ? row[i] : "";
        if (cell.empty()) {
            out.push_back(kind == ColumnKind::kText ? "" : "-");
        } else if (kind == ColumnKind::kMoney && !currency.empty()) {
            out.push_back(cell + " " + currency);
        } else {
            out.push_back(Printable(cell));
        }
    }
    return out;
}

std::string Line(const std::vector<std::string>& cells, const std::vector<std::size_t>& widths,
                 const std::vector<bool>& right) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const std::string pad(widths[i] - DisplayWidth(cells[i]), ' ');
        if (i > 0) out += "  ";
        out += right[i] ? pad + cells[i] : cells[i] + (i + 1 < cells.size() ? pad : "");
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
}

}  // namespace

std::string FormatMajorUnits(const core::Money& money) {
    const int digits = money.currency.minor_digits();
    const bool negative = money.amount < 0;
    // Unsigned, so that the most negative amount has a magnitude too.
    const std::uint64_t magnitude =
        negative ? ~static_cast<std::uint64_t>(money.amount) + 1 : static_cast<std::uint64_t>(money.amount);
    std::string text = std::to_string(magnitude);
    if (digits > 0) {
        if (text.size() <= static_cast<std::size_t>(digits)) text.insert(0, digits + 1 - text.size(), '0');
        text.insert(text.size() - digits, ".");
    }
    return negative ? "-" + text : text;
}

std::string FormatDecimal(double value) {
    if (!std::isfinite(value)) return "";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6f", value);
    std::string text = buf;
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
    return text == "-0" ? "0" : text;
}

ReportTable TableOf(const SummaryReport& report) {
    ReportTable table;
    const std::vector<std::string> groups = GroupColumns(report);
    for (const auto& name : groups) table.columns.push_back({name, ColumnKind::kText});
    AddMetricColumns(table.columns);
    for (const auto& r : report.rows) {
        std::vector<std::string> row;
        for (const auto& name : groups) row.push_back(GroupValue(r.group, name));
        AddMetricCells(r.metrics, row);
        table.rows.push_back(std::move(row));
    }
    if (report.total) table.total = TotalRow(groups.size(), report.total->metrics);
    return table;
}

ReportTable TableOf(const TimeseriesReport& report) {
    ReportTable table;
    table.columns.push_back({"period", ColumnKind::kText});
    AddMetricColumns(table.columns);
    for (const auto& r : report.rows) {
        std::vector<std::string> row{core::FormatDate(r.period)};
        AddMetricCells(r.metrics, row);
        table.rows.push_back(std::move(row));
    }
    table.total = TotalRow(1, report.total.metrics);
    return table;
}

ReportTable TableOf(const FunnelReport& report) {
    ReportTable table;
    table.columns = {{"stage", ColumnKind::kText},
                     {"name", ColumnKind::kText},
                     {"kind", ColumnKind::kText},
                     {"entered", ColumnKind::kInteger},
                     {"moved_on", ColumnKind::kInteger},
                     {"moved_on_rate", ColumnKind::kDecimal},
                     {"time_in_stage_median_s", ColumnKind::kInteger},
                     {"time_in_stage_p90_s", ColumnKind::kInteger}};
    for (const auto& r : report.rows) {
        const core::StageMetrics& m = r.metrics;
        table.rows.push_back({r.stage, r.name, r.kind, Integer(m.entered), Integer(m.moved_on),
                              Decimal(m.moved_on_rate), Integer(m.time_in_stage_median_s),
                              Integer(m.time_in_stage_p90_s)});
    }
    return table;
}

ReportTable TableOf(const CohortReport& report) {
    ReportTable table;
    table.columns = {{"cohort", ColumnKind::kText},           {"referrals", ColumnKind::kInteger},
                     {"converted", ColumnKind::kInteger},     {"converted_7d", ColumnKind::kInteger},
                     {"converted_30d", ColumnKind::kInteger}, {"converted_90d", ColumnKind::kInteger},
                     {"share_7d", ColumnKind::kDecimal},      {"share_30d", ColumnKind::kDecimal},
                     {"share_90d", ColumnKind::kDecimal},     {"share", ColumnKind::kDecimal}};
    for (const auto& r : report.rows) {
        const core::CohortMetrics& m = r.metrics;
        table.rows.push_back({core::FormatMonth(r.month), Integer(m.referrals), Integer(m.converted),
                              Integer(m.converted_7d), Integer(m.converted_30d), Integer(m.converted_90d),
                              Decimal(m.share_7d), Decimal(m.share_30d), Decimal(m.share_90d), Decimal(m.share)});
    }
    return table;
}

std::string ToCsv(const ReportTable& table) {
    std::vector<std::string> header;
    for (const auto& c : table.columns) header.push_back(c.name);
    std::vector<std::vector<core::CsvCell>> rows;
    rows.reserve(table.rows.size());
    for (const auto& row : table.rows) {
        std::vector<core::CsvCell> cells;
        for (std::size_t i = 0; i < table.columns.size(); ++i) {
            const ColumnKind kind = table.columns[i].kind;
            const bool text = kind == ColumnKind::kText || kind == ColumnKind::kCurrency;
            cells.push_back(
                {i < row.size() ? row[i] : "", text ? core::CsvCellKind::kText : core::CsvCellKind::kNumber});
        }
        rows.push_back(std::move(cells));
    }
    return core::CsvDocument(header, rows);
}

std::string ToText(const ReportTable& table) {
    std::vector<std::string> header;
    std::vector<bool> right;
    for (const auto& c : table.columns) {
        if (c.kind == ColumnKind::kCurrency) continue;
        header.push_back(c.name);
        right.push_back(RightAligned(c.kind));
    }
    std::vector<std::vector<std::string>> body;
    for (const auto& row : table.rows) body.push_back(ShownCells(table, row));
    std::optional<std::vector<std::string>> total;
    if (table.total) total = ShownCells(table, *table.total);

    std::vector<std::size_t> widths(header.size());
    auto widen = [&widths](const std::vector<std::string>& cells) {
        for (std::size_t i = 0; i < cells.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(cells[i]));
    };
    widen(header);
    for (const auto& cells : body) widen(cells);
    if (total) widen(*total);

    std::size_t rule_width = 0;
    for (const auto w : widths) rule_width += w;
    if (!widths.empty()) rule_width += 2 * (widths.size() - 1);
    const std::string rule = std::string(rule_width, '-') + "\n";

    std::string out = Line(header, widths, right) + rule;
    for (const auto& cells : body) out += Line(cells, widths, right);
    if (total) out += rule + Line(*total, widths, right);
    return out;
}

}  // namespace rt::app
