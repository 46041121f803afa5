// The report routes through the router, against services on an in-memory store: the JSON shapes, CSV
// (by ?format= and by Accept), what each kind of key sees, and 422 for parameters the routes do not know.
#include "http/routes_reports.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "app/click_batch.hpp"
#include "app/conversion_service.hpp"
#include "app/key_service.hpp"
#include "app/link_service.hpp"
#include "app/partner_service.hpp"
#include "app/program_service.hpp"
#include "app/referral_service.hpp"
#include "core/calendar.hpp"
#include "http/report_codec.hpp"
#include "http/router.hpp"
#include "http/router_test_support.hpp"
#include "http/worker_pool.hpp"
#include "ports/fakes.hpp"
#include "ports/system.hpp"
#include "storage/open_store.hpp"

namespace rt::http {
namespace {

using Json = nlohmann::json;

constexpr std::int64_t kMinute = 60'000;
const core::Day kToday = core::DayFromCivil(2026, 11, 24);

std::string HeaderOf(const Response& res, std::string_view name) {
    for (const auto& h : res.headers) {
        std::string lower = h.name;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower == name) return h.value;
    }
    return "";
}

std::set<std::string> ErrorFields(const Response& res) {
    std::set<std::string> out;
    const Json body = Json::parse(res.body, nullptr, false);
    if (body.is_object() && body.contains("errors")) {
        for (const auto& e : body["errors"]) out.insert(e.value("field", ""));
    }
    return out;
}

// Program "Acme" (EUR, 10% commission). Ada: link spring/blog, 4 clicks (3 unique, plus a bot), a referral
// from her first click moved to "qualified", and a 129.99 EUR sale an hour after that click. "=Eve": link
// "=cmd"/social, 2 clicks. All of it today, 2026-11-24.
class ReportRoutesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto store = storage::OpenStore("memory://");
        ASSERT_TRUE(store) << store.error().message();
        store_ = std::move(*store);
        ASSERT_TRUE(store_->Migrate());
        clock_.Set({core::StartOf(kToday).unix_ms + 9 * 60 * kMinute});
        keys_ = std::make_unique<app::KeyService>(deps(), hasher_);
        reports_ = std::make_unique<app::ReportService>(deps());
        pool_ = std::make_unique<WorkerPool>(1, 16);
        router_ = std::make_unique<Router>(*pool_);
        ctx_ = std::make_unique<ReportContext>(ReportContext{*reports_, *keys_});
        AddReportRoutes(*router_, *ctx_);
        Populate();
        auto admin = keys_->Create(core::Scope::Admin(), "admin");
        ASSERT_TRUE(admin);
        admin_token_ = admin->token;
    }

    void TearDown() override { pool_.reset(); }

    app::Deps deps() { return {*store_, clock_, random_, digest_}; }

    void Populate() {
        const app::Principal admin{core::Scope::Admin(), {}};
        core::CommissionPlan plan;
        plan.default_rule = {.kind = core::CommissionRule::Kind::kPercent, .percent_bps = 1'000};
        auto program = app::ProgramService(deps()).Create(
            admin, {.name = "Acme",
                    .currency = "EUR",
                    .destination_domains = std::vector<std::string>{"shop.example.com"},
                    .commission = plan});
        ASSERT_TRUE(program) << program.error().message();
        program_id_ = program->id.str();
        auto partner = [&](const std::string& name, const std::string& email) {
            auto p =
                app::PartnerService(deps()).Create(admin, {.program_id = program_id_, .name = name, .email = email});
            EXPECT_TRUE(p) << p.error().message();
            return p ? p->id.str() : "";
        };
        ada_ = partner("Ada", "ada@example.com");
        eve_ = partner("=Eve", "eve@example.com");
        auto link = [&](const std::string& partner_id, const std::string& campaign, const std::string& channel) {
            auto l = app::LinkService(deps()).Create(admin, {.partner_id = partner_id,
                                                             .destination = "https://shop.example.com/x",
                                                             .campaign = campaign,
                                                             .channel = channel});
            EXPECT_TRUE(l) << l.error().message();
            return *l;
        };
        const core::Link ada_link = link(ada_, "spring", "blog");
        const core::Link eve_link = link(eve_, "=cmd", "social");

        std::vector<core::Click> clicks;
        auto click = [&](const core::Link& l, bool unique, bool bot) {
            core::Click c;
            c.at = clock_.Now();
            c.id = core::ClickId::Generate(c.at, random_);
            c.program_id = l.program_id;
            c.partner_id = l.partner_id;
            c.link_id = l.id;
            c.visitor_id = core::VisitorId::Generate(c.at, random_);
            c.unique = unique;
            c.bot = bot;
            c.device = bot ? core::DeviceClass::kBot : core::DeviceClass::kDesktop;
            clicks.push_back(c);
            clock_.Advance(kMinute);
        };
        click(ada_link, true, false);
        click(ada_link, true, false);
        click(ada_link, false, false);
        click(ada_link, true, false);
        click(ada_link, true, true);
        click(eve_link, true, false);
        click(eve_link, false, false);
        auto written = store_->Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<void> {
            if (auto ok = tx.InsertClicks(clicks); !ok) return ok;
            return app::AfterClicksInserted(deps(), tx, clicks, app::RollupWrites::kPending);
        });
        ASSERT_TRUE(written) << written.error().message();

        app::ReferralService referrals(deps(), vault_);
        clock_.Set({clicks[0].at.unix_ms + 10 * kMinute});
        app::ReferralInput in;
        in.click_id = clicks[0].id.str();
        in.customer.external_id = "crm-1";
        auto referral = referrals.Create(admin, in);
        ASSERT_TRUE(referral) << referral.error().message();
        clock_.Set({clicks[0].at.unix_ms + 30 * kMinute});
        ASSERT_TRUE(referrals.Patch(admin, referral->referral.id.str(), {.stage = "qualified"}));

        clock_.Set({clicks[0].at.unix_ms + 60 * kMinute});
        app::ConversionService conversions(deps(), vault_);
        auto sale = conversions.Record(admin, {.program_id = program_id_,
                                               .external_id = "inv-1",
                                               .amount = 12999,
                                               .currency = "EUR",
                                               .referral_id = referral->referral.id.str()});
        ASSERT_TRUE(sale) << sale.error().message();
        clock_.Advance(kMinute);
    }

    Response Call(const std::string& target, std::optional<std::string> token = {}, std::vector<Header> headers = {}) {
        Request req;
        req.method = Method::kGet;
        req.target = target;
        const auto q = target.find('?');
        req.path = target.substr(0, q);
        req.query = q == std::string::npos ? "" : target.substr(q + 1);
        const std::string key = token.value_or(admin_token_);
        if (!key.empty()) req.headers.push_back({"authorization", "Bearer " + key});
        for (auto& h : headers) req.headers.push_back(std::move(h));
        return testing::DispatchAndWait(*router_, std::move(req));
    }

    Json CallJson(const std::string& target, std::optional<std::string> token = {}) {
        const Response res = Call(target, std::move(token));
        EXPECT_EQ(res.status, 200) << target << ": " << res.body;
        EXPECT_EQ(HeaderOf(res, "content-type"), "application/json");
        return Json::parse(res.body, nullptr, false);
    }

    std::string Token(const core::Scope& scope) {
        auto key = keys_->Create(scope, "test");
        EXPECT_TRUE(key);
        return key ? key->token : "";
    }

    ports::FakeClock clock_;
    ports::SeededRandom random_;
    ports::Sha256Digest digest_;
    ports::PlainHasher hasher_;
    ports::FakeVault vault_;
    std::unique_ptr<ports::Store> store_;
    std::unique_ptr<app::KeyService> keys_;
    std::unique_ptr<app::ReportService> reports_;
    std::unique_ptr<WorkerPool> pool_;
    std::unique_ptr<Router> router_;
    std::unique_ptr<ReportContext> ctx_;
    std::string admin_token_;
    std::string program_id_, ada_, eve_;
};

const Json* RowOf(const Json& data, const std::string& key, const std::string& value) {
    for (const auto& row : data) {
        if (row["group"].value(key, "") == value) return &row;
    }
    return nullptr;
}

TEST_F(ReportRoutesTest, SummaryByPartnerAsJson) {
    const Json report = CallJson("/api/v1/reports/summary?program_id=" + program_id_);
    EXPECT_EQ(report["object"], "report");
    EXPECT_EQ(report["report"], "summary");
    EXPECT_EQ(report["scope"], (Json{{"program_id", program_id_},
                                     {"partner_id", nullptr},
                                     {"campaign", nullptr},
                                     {"channel", nullptr},
                                     {"source", nullptr},
                                     {"from", "2026-10-26"},
                                     {"to", "2026-11-24"}}));
    EXPECT_EQ(report["group_by"], "partner");
    EXPECT_EQ(report["sort"], "-revenue");
    EXPECT_EQ(report["has_more"], false);
    const Json data = report["data"];
    ASSERT_EQ(data.size(), 2U) << report;
    EXPECT_EQ(data[0]["group"], (Json{{"partner_id", ada_}, {"partner_name", "Ada"}})) << "sorted by revenue";

    const Json& ada = data[0];
    EXPECT_EQ(ada["clicks"], 4);
    EXPECT_EQ(ada["unique_clicks"], 3);
    EXPECT_EQ(ada["referrals"], 1);
    EXPECT_TRUE(ada["conversions"].is_number_integer()) << ada;
    EXPECT_EQ(ada["conversions"], 1);
    EXPECT_EQ(ada["refunds"], 0);
    EXPECT_DOUBLE_EQ(ada["click_to_referral_rate"].get<double>(), 0.25);
    EXPECT_DOUBLE_EQ(ada["referral_to_conversion_rate"].get<double>(), 1.0);
    EXPECT_EQ(ada["revenue"], (Json{{"amount", 12999}, {"currency", "EUR"}}));
    EXPECT_EQ(ada["average_deal_size"], (Json{{"amount", 12999}, {"currency", "EUR"}}));
    ASSERT_TRUE(ada["time_to_conversion"]["median_s"].is_number_integer()) << ada;
    EXPECT_NEAR(ada["time_to_conversion"]["median_s"].get<double>(), 3600, 3600 * 0.02);
    EXPECT_NEAR(ada["time_to_conversion"]["p90_s"].get<double>(), 3600, 3600 * 0.02);
    EXPECT_EQ(ada["commission"], (Json{{"amount", 1300}, {"currency", "EUR"}}));
    EXPECT_DOUBLE_EQ(ada["roi"].get<double>(), (12999.0 - 1300.0) / 1300.0);
    EXPECT_EQ(ada["epc"], (Json{{"amount", 325}, {"currency", "EUR"}}));

    const Json& eve = data[1];
    EXPECT_EQ(eve["group"], (Json{{"partner_id", eve_}, {"partner_name", "=Eve"}}));
    EXPECT_EQ(eve["clicks"], 2);
    EXPECT_EQ(eve["referrals"], 0);
    EXPECT_DOUBLE_EQ(eve["click_to_referral_rate"].get<double>(), 0.0);
    EXPECT_TRUE(eve["referral_to_conversion_rate"].is_null());
    EXPECT_TRUE(eve["average_deal_size"].is_null());
    EXPECT_EQ(eve["time_to_conversion"], (Json{{"median_s", nullptr}, {"p90_s", nullptr}}));
    EXPECT_TRUE(eve["roi"].is_null());
    EXPECT_EQ(eve["epc"], (Json{{"amount", 0}, {"currency", "EUR"}}));

    const Json total = report["total"];
    EXPECT_FALSE(total.contains("group"));
    EXPECT_EQ(total["clicks"], 6);
    EXPECT_EQ(total["revenue"], ada["revenue"]);
}

TEST_F(ReportRoutesTest, SummaryByCampaignChannelSourceLinkAndProgram) {
    const std::string base = "/api/v1/reports/summary?program_id=" + program_id_;
    const Json campaigns = CallJson(base + "&group_by=campaign")["data"];
    ASSERT_NE(RowOf(campaigns, "campaign", "=cmd"), nullptr) << campaigns;
    EXPECT_EQ((*RowOf(campaigns, "campaign", "=cmd"))["clicks"], 2);
    EXPECT_EQ((*RowOf(campaigns, "campaign", "spring"))["revenue"]["amount"], 12999);
    const Json channels = CallJson(base + "&group_by=channel&sort=clicks")["data"];
    ASSERT_EQ(channels.size(), 2U) << channels;
    EXPECT_EQ(channels[0]["group"], (Json{{"channel", "social"}}));
    const Json sources = CallJson(base + "&group_by=source")["data"];
    ASSERT_NE(RowOf(sources, "source", "click"), nullptr) << sources;
    const Json links = CallJson(base + "&group_by=link&limit=1");
    ASSERT_EQ(links["data"].size(), 1U);
    EXPECT_EQ(links["has_more"], true);
    for (const char* name : {"link_id", "code", "partner_id", "campaign", "channel"}) {
        EXPECT_TRUE(links["data"][0]["group"].contains(name)) << name;
    }
    const Json programs = CallJson("/api/v1/reports/summary?group_by=program")["data"];
    ASSERT_NE(RowOf(programs, "program_id", program_id_), nullptr) << programs;
    EXPECT_EQ((*RowOf(programs, "program_id", program_id_))["group"]["program_name"], "Acme");
}

TEST_F(ReportRoutesTest, TimeseriesFunnelAndCohortsAsJson) {
    const Json series = CallJson("/api/v1/reports/timeseries?program_id=" + program_id_ +
                                 "&interval=week&from=2026-11-10&to=2026-11-24");
    EXPECT_EQ(series["report"], "timeseries");
    EXPECT_EQ(series["interval"], "week");
    const Json rows = series["data"];
    ASSERT_EQ(rows.size(), 3U) << series;
    EXPECT_EQ(rows[0]["period"], "2026-11-09");
    EXPECT_EQ(rows[2]["period"], "2026-11-23");
    EXPECT_FALSE(rows[2].contains("group"));
    EXPECT_EQ(rows[2]["clicks"], 6);
    EXPECT_EQ(rows[0]["clicks"], 0);
    EXPECT_EQ(series["total"]["clicks"], 6);

    const Json funnel = CallJson("/api/v1/reports/funnel?program_id=" + program_id_);
    EXPECT_EQ(funnel["report"], "funnel");
    ASSERT_FALSE(funnel["data"].empty());
    const Json first = funnel["data"][0];
    EXPECT_EQ(first["stage"], "new");
    EXPECT_EQ(first["kind"], "open");
    EXPECT_EQ(first["entered"], 1);
    EXPECT_EQ(first["moved_on"], 1);
    EXPECT_DOUBLE_EQ(first["moved_on_rate"].get<double>(), 1.0);
    EXPECT_NEAR(first["time_in_stage"]["median_s"].get<double>(), 1200, 1200 * 0.02);

    const Json cohorts = CallJson("/api/v1/reports/cohorts?program_id=" + program_id_ + "&from=2026-10-01");
    EXPECT_EQ(cohorts["report"], "cohorts");
    const Json months = cohorts["data"];
    ASSERT_EQ(months.size(), 2U) << cohorts;
    EXPECT_EQ(months[0]["cohort"], "2026-10");
    EXPECT_TRUE(months[0]["share"].is_null());
    EXPECT_EQ(months[1], (Json{{"cohort", "2026-11"},
                               {"referrals", 1},
                               {"converted", 1},
                               {"converted_7d", 1},
                               {"converted_30d", 1},
                               {"converted_90d", 1},
                               {"share_7d", 1.0},
                               {"share_30d", 1.0},
                               {"share_90d", 1.0},
                               {"share", 1.0}}));
}

TEST_F(ReportRoutesTest, CsvByFormatOrAcceptWithFormatWinning) {
    const std::string target = "/api/v1/reports/summary?program_id=" + program_id_;
    const Response by_format = Call(target + "&format=csv");
    ASSERT_EQ(by_format.status, 200) << by_format.body;
    EXPECT_EQ(HeaderOf(by_format, "content-type"), "text/csv; charset=utf-8");
    EXPECT_EQ(HeaderOf(by_format, "content-disposition"),
              "attachment; filename=\"reftrack-summary-2026-10-26-2026-11-24.csv\"");
    EXPECT_TRUE(
        by_format.body.starts_with("partner_id,partner_name,clicks,unique_clicks,referrals,conversions,refunds,"
                                   "click_to_referral_rate,referral_to_conversion_rate,revenue,average_deal_size,"
                                   "time_to_conversion_median_s,time_to_conversion_p90_s,commission,roi,epc,"
                                   "currency\r\n"))
        << by_format.body;
    EXPECT_NE(by_format.body.find("\r\n" + ada_ + ",Ada,4,3,1,1,0,0.25,1,129.99,129.99,"), std::string::npos)
        << by_format.body;
    EXPECT_NE(by_format.body.find(",13.00,8.999231,3.25,EUR\r\n"), std::string::npos) << by_format.body;
    EXPECT_NE(by_format.body.find("\r\n" + eve_ + ",'=Eve,2,1,0,0,0,0,,0.00,,,,0.00,,0.00,EUR\r\n"), std::string::npos)
        << by_format.body;

    const Response by_accept = Call(target, {}, {{"accept", "text/csv"}});
    EXPECT_EQ(HeaderOf(by_accept, "content-type"), "text/csv; charset=utf-8");
    EXPECT_EQ(by_accept.body, by_format.body);
    const Response json_wins = Call(target + "&format=json", {}, {{"accept", "text/csv"}});
    EXPECT_EQ(HeaderOf(json_wins, "content-type"), "application/json");
    const Response browser =
        Call(target, {}, {{"accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}});
    EXPECT_EQ(HeaderOf(browser, "content-type"), "application/json");

    for (const std::string report : {"timeseries", "funnel", "cohorts"}) {
        const Response res = Call("/api/v1/reports/" + report + "?program_id=" + program_id_ + "&format=csv");
        ASSERT_EQ(res.status, 200) << report << ": " << res.body;
        EXPECT_EQ(HeaderOf(res, "content-disposition"), "attachment; filename=\"reftrack-" + report + "-" +
                                                            (report == "cohorts" ? "2025-12-01" : "2026-10-26") +
                                                            "-2026-11-24.csv\"");
        EXPECT_TRUE(res.body.ends_with("\r\n")) << report;
    }
    EXPECT_TRUE(Call("/api/v1/reports/funnel?program_id=" + program_id_ + "&format=csv")
                    .body.starts_with("stage,name,kind,entered,moved_on,moved_on_rate,time_in_stage_median_s,"
                                      "time_in_stage_p90_s\r\nnew,New,open,1,1,1,"));
}

TEST_F(ReportRoutesTest, PartnerKeysSeeTheirOwnRowsOnlyAndIngestKeysNone) {
    const std::string ada = Token(core::Scope::ForPartner(core::PartnerId::FromTrusted(ada_)));
    const Json own = CallJson("/api/v1/reports/summary?group_by=partner", ada);
    ASSERT_EQ(own["data"].size(), 1U) << own;
    EXPECT_EQ(own["data"][0]["group"]["partner_id"], ada_);
    EXPECT_EQ(own["scope"]["partner_id"], ada_);
    EXPECT_EQ(own["scope"]["program_id"], program_id_);
    const Json channels = CallJson("/api/v1/reports/summary?group_by=channel", ada);
    ASSERT_EQ(channels["data"].size(), 1U) << channels;
    EXPECT_EQ(channels["data"][0]["group"]["channel"], "blog");
    EXPECT_EQ(CallJson("/api/v1/reports/timeseries", ada)["total"]["clicks"], 4);

    EXPECT_EQ(Call("/api/v1/reports/summary?partner_id=" + eve_, ada).status, 404);
    const Response csv = Call("/api/v1/reports/summary?format=csv", ada);
    EXPECT_EQ(csv.body.find(eve_), std::string::npos) << csv.body;

    const std::string ingest = Token(core::Scope::ForIngest(core::ProgramId::FromTrusted(program_id_)));
    for (const char* report : {"summary", "timeseries", "funnel", "cohorts"}) {
        const Response res = Call(std::string("/api/v1/reports/") + report + "?program_id=" + program_id_, ingest);
        EXPECT_EQ(res.status, 403) << report << ": " << res.body;
        EXPECT_EQ(HeaderOf(res, "content-type"), "application/problem+json");
    }
    const Response anonymous = Call("/api/v1/reports/summary?program_id=" + program_id_, "");
    EXPECT_EQ(anonymous.status, 401);
}

TEST_F(ReportRoutesTest, UnknownRepeatedOrInvalidParametersAre422NamingThem) {
    const std::string base = "/api/v1/reports/summary?program_id=" + program_id_;
    const Response unknown = Call(base + "&colour=red&group=partner");
    EXPECT_EQ(unknown.status, 422) << unknown.body;
    EXPECT_EQ(ErrorFields(unknown), (std::set<std::string>{"colour", "group"}));
    EXPECT_NE(unknown.body.find("is not a known parameter"), std::string::npos) << unknown.body;
    EXPECT_EQ(ErrorFields(Call(base + "&program_id=" + program_id_)), std::set<std::string>{"program_id"});
    EXPECT_EQ(ErrorFields(Call(base + "&format=xml")), std::set<std::string>{"format"});
    EXPECT_EQ(ErrorFields(Call(base + "&from=2026-02-30")), std::set<std::string>{"from"});
    EXPECT_EQ(ErrorFields(Call(base + "&group_by=week")), std::set<std::string>{"group_by"});
    EXPECT_EQ(ErrorFields(Call(base + "&limit=0")), std::set<std::string>{"limit"});
    EXPECT_EQ(ErrorFields(Call(base + "&sort=-colour")), std::set<std::string>{"sort"});
    EXPECT_EQ(ErrorFields(Call("/api/v1/reports/summary")), std::set<std::string>{"program_id"});
    EXPECT_EQ(ErrorFields(Call("/api/v1/reports/timeseries?program_id=" + program_id_ + "&interval=hour")),
              std::set<std::string>{"interval"});
    EXPECT_EQ(ErrorFields(Call("/api/v1/reports/funnel?program_id=" + program_id_ + "&group_by=partner")),
              std::set<std::string>{"group_by"});
    const Response csv_error = Call(base + "&format=csv&colour=red");
    EXPECT_EQ(csv_error.status, 422);
    EXPECT_EQ(HeaderOf(csv_error, "content-type"), "application/problem+json");
}

TEST(AcceptPrefersCsv, TheMostSpecificRangeDecides) {
    struct Row {
        std::optional<std::string> accept;
        bool csv;
    };
    const Row rows[] = {
        {std::nullopt, false},
        {"text/csv", true},
        {"TEXT/CSV; charset=utf-8", true},
        {"application/json", false},
        {"*/*", false},
        {"text/csv, application/json", false},
        {"text/csv, application/json;q=0.5", true},
        {"text/csv;q=0.4, application/json;q=0.5", false},
        {"text/csv;q=0, */*", false},
        {"text/*, application/json;q=0.9", true},
        {"text/csv, */*;q=0.1", true},
        {"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false},
        {"text/csv;q=oops", false},
    };
    for (const auto& row : rows) {
        EXPECT_EQ(AcceptPrefersCsv(row.accept), row.csv) << row.accept.value_or("(none)");
    }
}

TEST(CountJson, WholeNumbersAreIntegers) {
    EXPECT_TRUE(CountJson(3.0).is_number_integer());
    EXPECT_EQ(CountJson(3.0).dump(), "3");
    EXPECT_EQ(CountJson(0.0).dump(), "0");
    EXPECT_TRUE(CountJson(0.5).is_number_float());
    EXPECT_EQ(CountJson(0.5).dump(), "0.5");
    EXPECT_TRUE(CountJson(1e300).is_number_float());
}

}  // namespace
}  // namespace rt::http
