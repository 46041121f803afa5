#include "app/report_table.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rt::app {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

core::Money Eur(std::int64_t minor) { return {minor, core::Currency::FromTrusted("EUR")}; }

std::vector<std::string> Names(const ReportTable& table) {
    std::vector<std::string> out;
    for (const auto& c : table.columns) out.push_back(c.name);
    return out;
}

// The value of column `name` in `row`.
std::string Cell(const ReportTable& table, const std::vector<std::string>& row, const std::string& name) {
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
        if (table.columns[i].name == name) return row.at(i);
    }
    ADD_FAILURE() << "no column " << name;
    return "";
}

// 10 clicks, 4 referrals, 1.5 conversions (a linear half), half a refund: the numbers of one partner.
core::ReportMetrics SomeMetrics() {
    core::ReportMetrics m;
    m.clicks = 10;
    m.unique_clicks = 8;
    m.referrals = 4;
    m.conversions = 1.5;
    m.refunds = 0.5;
    m.click_to_referral_rate = 0.4;
    m.referral_to_conversion_rate = 1.0 / 3.0;
    m.revenue = Eur(-1250);
    m.average_deal_size = Eur(12999);
    m.time_to_conversion_median_s = 3600;
    m.commission = Eur(1300);
    m.roi = -1.9615384615384615;
    m.epc = Eur(130);
    return m;
}

SummaryReport PartnerSummary() {
    SummaryReport report;
    report.group_by = "partner";
    report.sort = "-revenue";
    report.rows.push_back({{{"partner_id", "prt_1"}, {"partner_name", "=HYPERLINK(\"x\")"}}, SomeMetrics()});
    core::ReportMetrics quiet;
    quiet.revenue = Eur(0);
    quiet.commission = Eur(0);
    report.rows.push_back({{{"partner_id", "prt_2"}, {"partner_name", "Bob, \"the\" builder"}}, quiet});
    report.total = SummaryRow{{}, SomeMetrics()};
    return report;
}

TEST(ReportTable, EveryMetricNameHasItsColumnInOrder) {
    const ReportTable table = TableOf(PartnerSummary());
    std::vector<std::string> want{"partner_id", "partner_name"};
    for (const auto& name : MetricNames()) want.push_back(name);
    want.push_back("currency");
    EXPECT_EQ(Names(table), want);
    for (const auto& c : table.columns) {
        if (c.name == "partner_id" || c.name == "partner_name" || c.name == "currency") continue;
        EXPECT_NE(c.kind, ColumnKind::kText) << c.name << " is a metric, never text";
    }
    // The cells of a metric name nothing ReportTable does not know: a missing column would be empty.
    EXPECT_NE(Cell(table, table.rows[0], "clicks"), "");
}

TEST(ReportTable, SummaryCellsAreTheMetricsInPlainUnits) {
    const ReportTable table = TableOf(PartnerSummary());
    ASSERT_EQ(table.rows.size(), 2U);
    const auto& row = table.rows[0];
    EXPECT_EQ(Cell(table, row, "partner_id"), "prt_1");
    EXPECT_EQ(Cell(table, row, "partner_name"), "=HYPERLINK(\"x\")");  // neutralised by CSV, not here
    EXPECT_EQ(Cell(table, row, "clicks"), "10");
    EXPECT_EQ(Cell(table, row, "unique_clicks"), "8");
    EXPECT_EQ(Cell(table, row, "referrals"), "4");
    EXPECT_EQ(Cell(table, row, "conversions"), "1.5");
    EXPECT_EQ(Cell(table, row, "refunds"), "0.5");
    EXPECT_EQ(Cell(table, row, "click_to_referral_rate"), "0.4");
    EXPECT_EQ(Cell(table, row, "referral_to_conversion_rate"), "0.333333");
    EXPECT_EQ(Cell(table, row, "revenue"), "-12.50");
    EXPECT_EQ(Cell(table, row, "average_deal_size"), "129.99");
    EXPECT_EQ(Cell(table, row, "time_to_conversion_median_s"), "3600");
    EXPECT_EQ(Cell(table, row, "time_to_conversion_p90_s"), "");
    EXPECT_EQ(Cell(table, row, "commission"), "13.00");
    EXPECT_EQ(Cell(table, row, "roi"), "-1.961538");
    EXPECT_EQ(Cell(table, row, "epc"), "1.30");
    EXPECT_EQ(Cell(table, row, "currency"), "EUR");

    const auto& quiet = table.rows[1];
    EXPECT_EQ(Cell(table, quiet, "conversions"), "0");
    EXPECT_EQ(Cell(table, quiet, "click_to_referral_rate"), "");
    EXPECT_EQ(Cell(table, quiet, "average_deal_size"), "");
    EXPECT_EQ(Cell(table, quiet, "epc"), "");
    EXPECT_EQ(Cell(table, quiet, "revenue"), "0.00");
    ASSERT_TRUE(table.total.has_value());
    EXPECT_EQ(table.total->front(), "total");
    EXPECT_EQ(table.total->size(), table.columns.size());
}

TEST(ReportTable, LinkGroupsHaveTheLinkColumnsEvenWithoutRows) {
    SummaryReport report;
    report.group_by = "link";
    EXPECT_THAT(Names(TableOf(report)),
                testing::IsSupersetOf({"link_id", "code", "partner_id", "campaign", "channel", "currency"}));
    EXPECT_EQ(Names(TableOf(report)).front(), "link_id");
    EXPECT_FALSE(TableOf(report).total.has_value());
}

TEST(ReportTable, CsvHasAHeaderQuotesAndNeutralisesTextButNotNumbers) {
    const std::string csv = ToCsv(TableOf(PartnerSummary()));
    const auto first_break = csv.find("\r\n");
    ASSERT_NE(first_break, std::string::npos);
    std::string header = "partner_id,partner_name";
    for (const auto& name : MetricNames()) header += "," + name;
    header += ",currency";
    EXPECT_EQ(csv.substr(0, first_break), header);
    EXPECT_NE(csv.find("\r\nprt_1,\"'=HYPERLINK(\"\"x\"\")\",10,8,4,1.5,0.5,0.4,0.333333,-12.50,129.99,3600,,13.00,"
                       "-1.961538,1.30,EUR\r\n"),
              std::string::npos)
        << csv;
    EXPECT_NE(csv.find("\r\nprt_2,\"Bob, \"\"the\"\" builder\",0,0,0,0,0,,,0.00,,,,0.00,,,EUR\r\n"), std::string::npos)
        << csv;
    EXPECT_EQ(csv.find("total"), std::string::npos) << "the total is not a CSV row";
    EXPECT_TRUE(csv.ends_with("EUR\r\n"));
}

TEST(ReportTable, TimeseriesPeriodsAreDates) {
    TimeseriesReport report;
    report.interval = "week";
    report.rows.push_back({core::DayFromCivil(2026, 11, 2), SomeMetrics()});
    report.total = {{}, SomeMetrics()};
    const ReportTable table = TableOf(report);
    EXPECT_EQ(table.columns.front(), (ReportColumn{"period", ColumnKind::kText}));
    ASSERT_EQ(table.rows.size(), 1U);
    EXPECT_EQ(table.rows[0].front(), "2026-11-02");
    EXPECT_EQ(Cell(table, table.rows[0], "revenue"), "-12.50");
    ASSERT_TRUE(table.total.has_value());
    EXPECT_EQ(table.total->front(), "total");
}

TEST(ReportTable, FunnelAndCohortColumns) {
    FunnelReport funnel;
    funnel.rows.push_back({"qualified", "Qualified", "open", {10, 4, 0.4, 86400, std::nullopt}});
    const ReportTable f = TableOf(funnel);
    EXPECT_THAT(Names(f), ElementsAre("stage", "name", "kind", "entered", "moved_on", "moved_on_rate",
                                      "time_in_stage_median_s", "time_in_stage_p90_s"));
    EXPECT_THAT(f.rows.at(0), ElementsAre("qualified", "Qualified", "open", "10", "4", "0.4", "86400", ""));
    EXPECT_FALSE(f.total.has_value());

    CohortReport cohorts;
    cohorts.rows.push_back({core::DayFromCivil(2026, 9, 1), {3, 2, 1, 2, 2, 1.0 / 3, 2.0 / 3, 2.0 / 3, 2.0 / 3}});
    cohorts.rows.push_back({core::DayFromCivil(2026, 10, 1), {}});
    const ReportTable c = TableOf(cohorts);
    EXPECT_THAT(Names(c), ElementsAre("cohort", "referrals", "converted", "converted_7d", "converted_30d",
                                      "converted_90d", "share_7d", "share_30d", "share_90d", "share"));
    EXPECT_THAT(c.rows.at(0),
                ElementsAre("2026-09", "3", "2", "1", "2", "2", "0.333333", "0.666667", "0.666667", "0.666667"));
    EXPECT_THAT(c.rows.at(1), ElementsAre("2026-10", "0", "0", "0", "0", "0", "", "", "", ""));
    EXPECT_EQ(ToCsv(c),
              "cohort,referrals,converted,converted_7d,converted_30d,converted_90d,share_7d,share_30d,"
              "share_90d,share\r\n2026-09,3,2,1,2,2,0.333333,0.666667,0.666667,0.666667\r\n"
              "2026-10,0,0,0,0,0,,,,\r\n");
}

TEST(ReportTable, TextAlignsNumbersRightAndShowsMoneyWithItsCurrency) {
    ReportTable table;
    table.columns = {{"partner_name", ColumnKind::kText},
                     {"clicks", ColumnKind::kInteger},
                     {"revenue", ColumnKind::kMoney},
                     {"roi", ColumnKind::kDecimal},
                     {"currency", ColumnKind::kCurrency}};
    table.rows = {{"Ada", "1200", "129.99", "", "EUR"}, {"Bob\x1b[31m", "7", "-5.00", "0.5", "EUR"}};
    table.total = std::vector<std::string>{"total", "1207", "124.99", "1.25", "EUR"};
    EXPECT_EQ(ToText(table),
              "partner_name  clicks     revenue   roi\n"
              "--------------------------------------\n"
              "Ada             1200  129.99 EUR     -\n"
              "Bob?[31m           7   -5.00 EUR   0.5\n"
              "--------------------------------------\n"
              "total           1207  124.99 EUR  1.25\n");
}

TEST(ReportTable, TextWidthCountsCharactersNotBytes) {
    ReportTable table;
    table.columns = {{"name", ColumnKind::kText}, {"n", ColumnKind::kInteger}};
    table.rows = {{"Zoë", "1"}, {"Al", "22"}};
    EXPECT_EQ(ToText(table), "name   n\n--------\nZoë    1\nAl    22\n");
}

TEST(FormatMajorUnits, UsesTheCurrencysMinorDigits) {
    struct Row {
        std::int64_t amount;
        const char* currency;
        std::string text;
    };
    const Row rows[] = {
        {12999, "EUR", "129.99"}, {-1250, "EUR", "-12.50"},
        {5, "EUR", "0.05"},       {-5, "EUR", "-0.05"},
        {0, "EUR", "0.00"},       {1500, "JPY", "1500"},
        {-7, "JPY", "-7"},        {1234, "KWD", "1.234"},
        {1, "KWD", "0.001"},      {INT64_MIN, "EUR", "-92233720368547758.08"},
    };
    for (const auto& row : rows) {
        EXPECT_EQ(FormatMajorUnits({row.amount, core::Currency::FromTrusted(row.currency)}), row.text)
            << row.amount << " " << row.currency;
    }
}

TEST(FormatDecimal, WholeNumbersPlainOthersToSixDecimals) {
    EXPECT_EQ(FormatDecimal(3), "3");
    EXPECT_EQ(FormatDecimal(0), "0");
    EXPECT_EQ(FormatDecimal(-0.0), "0");
    EXPECT_EQ(FormatDecimal(0.5), "0.5");
    EXPECT_EQ(FormatDecimal(1.0 / 3), "0.333333");
    EXPECT_EQ(FormatDecimal(2.0 / 3), "0.666667");
    EXPECT_EQ(FormatDecimal(-1.25), "-1.25");
    EXPECT_EQ(FormatDecimal(1e-9), "0");
    EXPECT_EQ(FormatDecimal(12345678), "12345678");
}

}  // namespace
}  // namespace rt::app
