// Reports against the real binary: traffic made through the API (clicks through /r/{code}, referrals from
// them, sales and a refund, stage moves), then every metric of the summary, time series, funnel and
// cohorts compared with the values worked out by hand below; CSV of each report; what partner and ingest
// keys see; bad parameters; and `reftrack report` printing the same CSV and JSON, or a table.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "click_rows.hpp"
#include "e2e_fixture.hpp"

namespace rt::testing {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::system_clock;

std::string Id(const Json& j) { return j.at("id").get<std::string>(); }

std::string DateOf(std::chrono::sys_days day) {
    const std::chrono::year_month_day ymd{day};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return buf;
}
std::chrono::sys_days DayOf(Clock::time_point t) { return std::chrono::floor<std::chrono::days>(t); }
std::string Today() { return DateOf(DayOf(Clock::now())); }

std::string Rfc3339(std::int64_t unix_ms) {
    const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(unix_ms % 1000));
    return buf;
}

std::int64_t UnixMs(const std::string& rfc3339) {
    std::tm tm{};
    int ms = 0;
    EXPECT_EQ(std::sscanf(rfc3339.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                          &tm.tm_min, &tm.tm_sec, &ms),
              7)
        << rfc3339;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<std::int64_t>(timegm(&tm)) * 1000 + ms;
}

std::set<std::string> ErrorFields(const Reply& r) {
    std::set<std::string> out;
    const Json j = r.json();
    if (j.is_object() && j.contains("errors")) {
        for (const auto& e : j["errors"]) out.insert(e.value("field", ""));
    }
    return out;
}

// The lines of a CSV answer, without their CRLF; fails when a line does not end in CRLF.
std::vector<std::string> CsvLines(const std::string& csv) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < csv.size()) {
        const auto end = csv.find("\r\n", at);
        if (end == std::string::npos) {
            ADD_FAILURE() << "a CSV line without CRLF: " << csv.substr(at);
            break;
        }
        out.push_back(csv.substr(at, end - at));
        at = end + 2;
    }
    return out;
}

// A report row's metrics as worked out by hand; nullopt where the metric is null.
struct Want {
    std::int64_t clicks = 0, unique_clicks = 0, referrals = 0;
    double conversions = 0, refunds = 0;
    std::optional<double> click_to_referral_rate, referral_to_conversion_rate;
    std::int64_t revenue = 0;
    std::optional<std::int64_t> average_deal_size;
    std::optional<std::int64_t> ttc_median_s, ttc_p90_s;
    std::int64_t commission = 0;
    std::optional<double> roi;
    std::optional<std::int64_t> epc;
};

void ExpectRate(const Json& got, const std::optional<double>& want, const std::string& what) {
    if (!want) {
        EXPECT_TRUE(got.is_null()) << what << ": " << got;
    } else {
        ASSERT_TRUE(got.is_number()) << what << ": " << got;
        EXPECT_NEAR(got.get<double>(), *want, 1e-12) << what;
    }
}

void ExpectMoney(const Json& got, const std::optional<std::int64_t>& want, const std::string& what) {
    if (!want) {
        EXPECT_TRUE(got.is_null()) << what << ": " << got;
    } else {
        EXPECT_EQ(got, (Json{{"amount", *want}, {"currency", "EUR"}})) << what;
    }
}

// Quantiles come from a sketch: within 1% (and a second) of the exact value.
void ExpectSeconds(const Json& got, const std::optional<std::int64_t>& want, const std::string& what) {
    if (!want) {
        EXPECT_TRUE(got.is_null()) << what << ": " << got;
    } else {
        ASSERT_TRUE(got.is_number_integer()) << what << ": " << got;
        EXPECT_NEAR(got.get<double>(), static_cast<double>(*want), static_cast<double>(*want) * 0.01 + 1) << what;
    }
}

void ExpectRow(const Json& row, const Want& w, const std::string& what) {
    for (const char* key : {"clicks", "unique_clicks", "referrals", "conversions", "refunds", "click_to_referral_rate",
                            "referral_to_conversion_rate", "revenue", "average_deal_size", "time_to_conversion",
                            "commission", "roi", "epc"}) {
        if (!row.contains(key)) {
            ADD_FAILURE() << what << ": no " << key << " in " << row;
            return;
        }
    }
    EXPECT_EQ(row["clicks"], w.clicks) << what;
    EXPECT_EQ(row["unique_clicks"], w.unique_clicks) << what;
    EXPECT_EQ(row["referrals"], w.referrals) << what;
    EXPECT_DOUBLE_EQ(row["conversions"].get<double>(), w.conversions) << what;
    EXPECT_TRUE(row["conversions"].is_number_integer()) << what << ": whole conversions are integers";
    EXPECT_DOUBLE_EQ(row["refunds"].get<double>(), w.refunds) << what;
    ExpectRate(row["click_to_referral_rate"], w.click_to_referral_rate, what + " click_to_referral_rate");
    ExpectRate(row["referral_to_conversion_rate"], w.referral_to_conversion_rate, what + " referral_to_conversion");
    ExpectMoney(row["revenue"], w.revenue, what + " revenue");
    ExpectMoney(row["average_deal_size"], w.average_deal_size, what + " average_deal_size");
    ExpectSeconds(row["time_to_conversion"]["median_s"], w.ttc_median_s, what + " ttc median");
    ExpectSeconds(row["time_to_conversion"]["p90_s"], w.ttc_p90_s, what + " ttc p90");
    ExpectMoney(row["commission"], w.commission, what + " commission");
    ExpectRate(row["roi"], w.roi, what + " roi");
    ExpectMoney(row["epc"], w.epc, what + " epc");
}

// The row of `data` whose group has `key` = `value`; fails the test when there is none.
Json RowOf(const Json& data, const std::string& key, const std::string& value) {
    for (const auto& row : data) {
        if (row["group"].value(key, "\x01") == value) return row;
    }
    ADD_FAILURE() << "no row with " << key << " = \"" << value << "\" in " << data;
    return Json::object();
}

// Program "Acme" (EUR, 10% commission, last click). All of it today (UTC):
//   Ada Lovelace  link ada-blog (campaign spring, channel blog): 3 clicks and a bot's
//                 link ada-news (campaign spring, channel newsletter): 2 clicks
//                 R1 from her first blog click → sale S1 129.99 EUR, 120 s after that click
//                 R2 from her first newsletter click → sale S2 49.99 EUR, 240 s after it; 20.00 EUR refunded
//                 R4 a deal she registered with her own key (no link, source "partner"), never sold
//   =Eve "Hacker", Ltd   link eve-social (campaign =cmd, channel social): 2 clicks
//                 R3 from her first click → sale S3 99.00 EUR, 60 s after it
// Every click comes from 127.0.0.1 with the same browser, so only the first click through each link is
// unique. Stages: R1 new → qualified → (1.1 s later) won; R2 new → qualified; R3 new → lost; R4 stays new.
class Reports : public E2eTest {
  protected:
    void SetUp() override {
        E2eTest::SetUp();
        today_ = Today();
        auto program = api_->Post("/api/v1/programs",
                                  {{"name", "Acme"},
                                   {"currency", "EUR"},
                                   {"destination_domains", {"shop.example.com"}},
                                   {"commission", {{"default_rule", {{"kind", "percent"}, {"percent_bps", 1000}}}}}});
        ASSERT_EQ(program.status, 201) << program.body;
        program_ = Id(program.json());
        ada_ = Id(Partner("Ada Lovelace", "ada@partners.example"));
        eve_ = Id(Partner(kEveName, "eve@partners.example"));
        CreateLink(ada_, {{"code", "ada-blog"}, {"campaign", "spring"}, {"channel", "blog"}});
        CreateLink(ada_, {{"code", "ada-news"}, {"campaign", "spring"}, {"channel", "newsletter"}});
        CreateLink(eve_, {{"code", "eve-social"}, {"campaign", "=cmd"}, {"channel", "social"}});
        ada_key_ = CreateKey("partner:" + ada_);

        const std::string blog = Click("ada-blog");
        Click("ada-blog");
        Click("ada-blog");
        Click("ada-blog", "curl/8.5.0");  // a bot: counted nowhere
        const std::string news = Click("ada-news");
        Click("ada-news");
        const std::string social = Click("eve-social");
        Click("eve-social");

        const std::string r1 =
            Referral(api_->Post("/api/v1/referrals", {{"click_id", blog}, {"customer", {{"external_id", "crm-1"}}}}));
        const std::string r2 =
            Referral(api_->Post("/api/v1/referrals", {{"click_id", news}, {"customer", {{"external_id", "crm-2"}}}}));
        const std::string r3 =
            Referral(api_->Post("/api/v1/referrals", {{"click_id", social}, {"customer", {{"external_id", "crm-3"}}}}));
        Referral(api_->WithToken(ada_key_).Post("/api/v1/referrals", {{"customer", {{"external_id", "crm-4"}}}}));

        Sale("inv-1", 12999, r1, ClickAt(blog) + 120'000);
        Sale("inv-2", 4999, r2, ClickAt(news) + 240'000);
        Sale("inv-3", 9900, r3, ClickAt(social) + 60'000);
        auto refund = api_->Post("/api/v1/conversions", {{"program_id", program_},
                                                         {"external_id", "cn-2"},
                                                         {"type", "refund"},
                                                         {"refund_of", "inv-2"},
                                                         {"amount", 2000},
                                                         {"currency", "EUR"}});
        ASSERT_EQ(refund.status, 201) << refund.body;

        Move(r1, "qualified");
        Move(r2, "qualified");
        Move(r3, "lost");
        std::this_thread::sleep_for(std::chrono::milliseconds(1100));
        Move(r1, "won");
        for (const auto& id : {r1, r2, r3}) {
            auto r = api_->Get("/api/v1/referrals/" + id);
            ASSERT_EQ(r.status, 200) << r.body;
            histories_[id] = r.json()["stage_history"];
        }
        r1_ = r1;
        r2_ = r2;
        r3_ = r3;
    }

    // True when the data and the reports may straddle a UTC midnight (the sales are up to 4 minutes ahead):
    // day-bound checks skip then.
    bool DayChanged() const {
        return Today() != today_ || DateOf(DayOf(Clock::now() + std::chrono::minutes(5))) != today_;
    }

    Json Partner(const std::string& name, const std::string& email) {
        auto r = api_->Post("/api/v1/partners", {{"program_id", program_}, {"name", name}, {"email", email}});
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json();
    }
    // A browser's click through /r/{code}; its click id.
    std::string Click(const std::string& code, const std::string& user_agent = kBrowser) {
        auto r = api_->WithToken("").Send("GET", "/r/" + code, "", {{"User-Agent", user_agent}});
        EXPECT_EQ(r.status, 302) << r.body;
        std::smatch m;
        const std::string location = r.header("location");
        EXPECT_TRUE(std::regex_search(location, m, std::regex(R"(rt_click=(clk_[0-9a-z]{26}))"))) << location;
        return m.empty() ? "" : std::string(m[1]);
    }
    std::int64_t ClickAt(const std::string& click_id) {
        const auto row = ClickRows(db_url()).Get(click_id);
        EXPECT_TRUE(row) << click_id;
        return row ? std::stoll(row->at("at")) : 0;
    }
    std::string Referral(const Reply& r) {
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json().value("id", "");
    }
    void Sale(const std::string& external_id, std::int64_t amount, const std::string& referral_id,
              std::int64_t occurred_at_ms) {
        auto r = api_->Post("/api/v1/conversions", {{"program_id", program_},
                                                    {"external_id", external_id},
                                                    {"amount", amount},
                                                    {"currency", "EUR"},
                                                    {"referral_id", referral_id},
                                                    {"occurred_at", Rfc3339(occurred_at_ms)}});
        EXPECT_EQ(r.status, 201) << r.body;
    }
    void Move(const std::string& referral_id, const std::string& stage) {
        auto r = api_->Patch("/api/v1/referrals/" + referral_id, {{"stage", stage}});
        EXPECT_EQ(r.status, 200) << r.body;
    }
    // Whole seconds `referral` spent in `stage` before leaving it (its stage history), as the funnel counts.
    std::int64_t SecondsIn(const std::string& referral_id, const std::string& stage) {
        const Json& h = histories_.at(referral_id);
        for (std::size_t i = 0; i + 1 < h.size(); ++i) {
            if (h[i]["to"] == stage) {
                return (UnixMs(h[i + 1]["at"].get<std::string>()) - UnixMs(h[i]["at"].get<std::string>())) / 1000;
            }
        }
        ADD_FAILURE() << referral_id << " never left " << stage;
        return 0;
    }

    Json Report(const std::string& target, const Api& as) {
        auto r = as.Get(target);
        EXPECT_EQ(r.status, 200) << target << ": " << r.body;
        EXPECT_EQ(r.header("content-type"), "application/json") << target;
        return r.json();
    }
    Json Report(const std::string& target) { return Report(target, *api_); }
    Reply Csv(const std::string& target, const Api& as) {
        auto r = as.Get(target + (target.find('?') == std::string::npos ? "?" : "&") + "format=csv");
        EXPECT_EQ(r.status, 200) << target << ": " << r.body;
        EXPECT_EQ(r.header("content-type"), "text/csv; charset=utf-8") << target;
        return r;
    }
    Reply Csv(const std::string& target) { return Csv(target, *api_); }

    // --- The numbers, by hand. Commissions: S1 1300, S2 500 (4999 × 10% = 499.9), S3 990; the refund of
    // 2000 of S2 reverses 200. Time to conversion: S1 120 s, S2 240 s, S3 60 s.
    static Want Ada() {
        return {.clicks = 5,
                .unique_clicks = 2,
                .referrals = 3,
                .conversions = 2,
                .refunds = 1,
                .click_to_referral_rate = 3.0 / 5,
                .referral_to_conversion_rate = 2.0 / 3,
                .revenue = 12999 + 4999 - 2000,
                .average_deal_size = (12999 + 4999) / 2,
                .ttc_median_s = 120,
                .ttc_p90_s = 240,
                .commission = 1300 + 500 - 200,
                .roi = (15998.0 - 1600) / 1600,
                .epc = 1600 / 5};
    }
    static Want Eve() {
        return {.clicks = 2,
                .unique_clicks = 1,
                .referrals = 1,
                .conversions = 1,
                .refunds = 0,
                .click_to_referral_rate = 0.5,
                .referral_to_conversion_rate = 1.0,
                .revenue = 9900,
                .average_deal_size = 9900,
                .ttc_median_s = 60,
                .ttc_p90_s = 60,
                .commission = 990,
                .roi = (9900.0 - 990) / 990,
                .epc = 495};
    }
    static Want Everyone() {
        return {.clicks = 7,
                .unique_clicks = 3,
                .referrals = 4,
                .conversions = 3,
                .refunds = 1,
                .click_to_referral_rate = 4.0 / 7,
                .referral_to_conversion_rate = 3.0 / 4,
                .revenue = 25898,
                .average_deal_size = 9299,  // 27898 / 3 = 9299.33
                .ttc_median_s = 120,
                .ttc_p90_s = 240,
                .commission = 2590,
                .roi = (25898.0 - 2590) / 2590,
                .epc = 370};
    }
    // R4 alone: the registered deal, through no link (no campaign, no channel), source "partner".
    static Want Deal() { return {.referrals = 1, .referral_to_conversion_rate = 0.0, .revenue = 0, .commission = 0}; }

    static constexpr const char* kBrowser =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
    static constexpr const char* kEveName = "=Eve \"Hacker\", Ltd";

    std::string today_;
    std::string program_, ada_, eve_, ada_key_;
    std::string r1_, r2_, r3_;
    std::map<std::string, Json> histories_;
};

TEST_F(Reports, SummaryByPartnerHasEveryMetricAsComputedByHand) {
    const Json report = Report("/api/v1/reports/summary?program_id=" + program_);
    EXPECT_EQ(report["object"], "report");
    EXPECT_EQ(report["report"], "summary");
    EXPECT_EQ(report["group_by"], "partner");
    EXPECT_EQ(report["sort"], "-revenue");
    EXPECT_EQ(report["has_more"], false);
    EXPECT_EQ(report["scope"]["program_id"], program_);
    EXPECT_TRUE(report["scope"]["partner_id"].is_null());
    EXPECT_EQ(report["scope"]["to"], Today());
    const Json data = report["data"];
    ASSERT_EQ(data.size(), 2U) << report;
    EXPECT_EQ(data[0]["group"], (Json{{"partner_id", ada_}, {"partner_name", "Ada Lovelace"}})) << "more revenue first";
    EXPECT_EQ(data[1]["group"], (Json{{"partner_id", eve_}, {"partner_name", kEveName}}));
    ExpectRow(data[0], Ada(), "Ada");
    ExpectRow(data[1], Eve(), "Eve");
    EXPECT_FALSE(report["total"].contains("group"));
    ExpectRow(report["total"], Everyone(), "total");

    const Json by_revenue = Report("/api/v1/reports/summary?program_id=" + program_ + "&sort=clicks&limit=1");
    ASSERT_EQ(by_revenue["data"].size(), 1U);
    EXPECT_EQ(by_revenue["data"][0]["group"]["partner_id"], eve_) << "ascending clicks";
    EXPECT_EQ(by_revenue["has_more"], true);
    ExpectRow(by_revenue["total"], Everyone(), "the total of every group, not only those shown");
}

TEST_F(Reports, SummaryAsCsvQuotesAndNeutralisesTextButNotNumbers) {
    const Json json = Report("/api/v1/reports/summary?program_id=" + program_);
    const Reply csv = Csv("/api/v1/reports/summary?program_id=" + program_);
    const std::string range = json["scope"]["from"].get<std::string>() + "-" + json["scope"]["to"].get<std::string>();
    EXPECT_EQ(csv.header("content-disposition"), "attachment; filename=\"reftrack-summary-" + range + ".csv\"");
    const auto lines = CsvLines(csv.body);
    ASSERT_EQ(lines.size(), 3U) << csv.body;
    EXPECT_EQ(lines[0],
              "partner_id,partner_name,clicks,unique_clicks,referrals,conversions,refunds,click_to_referral_rate,"
              "referral_to_conversion_rate,revenue,average_deal_size,time_to_conversion_median_s,"
              "time_to_conversion_p90_s,commission,roi,epc,currency");
    auto seconds = [&](int row, const char* q) { return json["data"][row]["time_to_conversion"][q].dump(); };
    // Eve's name starts with '=' and holds a quote and a comma: prefixed with ', quoted, quotes doubled.
    EXPECT_EQ(lines[1], ada_ + ",Ada Lovelace,5,2,3,2,1,0.6,0.666667,159.98,89.99," + seconds(0, "median_s") + "," +
                            seconds(0, "p90_s") + ",16.00,8.99875,3.20,EUR");
    EXPECT_EQ(lines[2], eve_ + ",\"'=Eve \"\"Hacker\"\", Ltd\",2,1,1,1,0,0.5,1,99.00,99.00," + seconds(1, "median_s") +
                            "," + seconds(1, "p90_s") + ",9.90,9,4.95,EUR");

    // The same CSV for Accept: text/csv; ?format= outranks Accept.
    const Reply accept =
        api_->Send("GET", "/api/v1/reports/summary?program_id=" + program_, "", {{"Accept", "text/csv"}});
    EXPECT_EQ(accept.header("content-type"), "text/csv; charset=utf-8");
    EXPECT_EQ(accept.body, csv.body);
    const Reply json_wins =
        api_->Send("GET", "/api/v1/reports/summary?format=json&program_id=" + program_, "", {{"Accept", "text/csv"}});
    EXPECT_EQ(json_wins.header("content-type"), "application/json");
}

TEST_F(Reports, SummaryByCampaignChannelSourceAndLink) {
    const std::string base = "/api/v1/reports/summary?program_id=" + program_ + "&group_by=";
    Want spring = Ada();
    spring.referrals = 2;
    spring.click_to_referral_rate = 2.0 / 5;
    spring.referral_to_conversion_rate = 1.0;
    const Json campaigns = Report(base + "campaign")["data"];
    ASSERT_EQ(campaigns.size(), 3U) << campaigns;
    ExpectRow(RowOf(campaigns, "campaign", "spring"), spring, "campaign spring");
    ExpectRow(RowOf(campaigns, "campaign", "=cmd"), Eve(), "campaign =cmd");
    ExpectRow(RowOf(campaigns, "campaign", ""), Deal(), "no campaign");

    const Json channels = Report(base + "channel")["data"];
    ASSERT_EQ(channels.size(), 4U) << channels;
    ExpectRow(RowOf(channels, "channel", "blog"),
              {.clicks = 3,
               .unique_clicks = 1,
               .referrals = 1,
               .conversions = 1,
               .click_to_referral_rate = 1.0 / 3,
               .referral_to_conversion_rate = 1.0,
               .revenue = 12999,
               .average_deal_size = 12999,
               .ttc_median_s = 120,
               .ttc_p90_s = 120,
               .commission = 1300,
               .roi = (12999.0 - 1300) / 1300,
               .epc = 433},  // 1300 / 3 = 433.33
              "channel blog");
    ExpectRow(RowOf(channels, "channel", "newsletter"),
              {.clicks = 2,
               .unique_clicks = 1,
               .referrals = 1,
               .conversions = 1,
               .refunds = 1,
               .click_to_referral_rate = 0.5,
               .referral_to_conversion_rate = 1.0,
               .revenue = 2999,
               .average_deal_size = 4999,
               .ttc_median_s = 240,
               .ttc_p90_s = 240,
               .commission = 300,
               .roi = (2999.0 - 300) / 300,
               .epc = 150},
              "channel newsletter");
    ExpectRow(RowOf(channels, "channel", "social"), Eve(), "channel social");
    ExpectRow(RowOf(channels, "channel", ""), Deal(), "no channel");

    const Json sources = Report(base + "source")["data"];
    ASSERT_EQ(sources.size(), 2U) << sources;
    Want clicked = Everyone();
    clicked.referrals = 3;
    clicked.click_to_referral_rate = 3.0 / 7;
    clicked.referral_to_conversion_rate = 1.0;
    ExpectRow(RowOf(sources, "source", "click"), clicked, "source click");
    ExpectRow(RowOf(sources, "source", "partner"), Deal(), "source partner");

    const Json links = Report(base + "link")["data"];
    ASSERT_EQ(links.size(), 4U) << links;
    const Json blog = RowOf(links, "code", "ada-blog");
    EXPECT_EQ(blog["group"]["partner_id"], ada_);
    EXPECT_EQ(blog["group"]["campaign"], "spring");
    EXPECT_EQ(blog["group"]["channel"], "blog");
    EXPECT_TRUE(blog["group"]["link_id"].get<std::string>().starts_with("lnk_"));
    EXPECT_EQ(blog["clicks"], 3);
    ExpectRow(RowOf(links, "link_id", ""), Deal(), "no link");

    const Json programs = Report("/api/v1/reports/summary?group_by=program")["data"];
    ExpectRow(RowOf(programs, "program_id", program_), Everyone(), "program");
    EXPECT_EQ(RowOf(programs, "program_id", program_)["group"]["program_name"], "Acme");

    // Filters: a campaign, a channel, a source, a partner.
    const std::string filtered = "/api/v1/reports/summary?program_id=" + program_;
    const Json spring_only = Report(filtered + "&campaign=spring")["data"];
    ASSERT_EQ(spring_only.size(), 1U) << spring_only;
    ExpectRow(spring_only[0], spring, "campaign=spring");
    ExpectRow(Report(filtered + "&channel=social")["total"], Eve(), "channel=social");
    ExpectRow(Report(filtered + "&source=partner")["total"], Deal(), "source=partner");
    ExpectRow(Report(filtered + "&partner_id=" + eve_)["total"], Eve(), "partner_id=Eve");

    // The campaign CSV neutralises "=cmd"; the link CSV has the link's columns first.
    const auto campaign_csv = CsvLines(Csv(base + "campaign").body);
    ASSERT_EQ(campaign_csv.size(), 4U);
    EXPECT_TRUE(campaign_csv[0].starts_with("campaign,clicks,")) << campaign_csv[0];
    EXPECT_EQ(std::count_if(campaign_csv.begin(), campaign_csv.end(),
                            [](const std::string& l) { return l.starts_with("'=cmd,2,1,1,1,0,0.5,1,99.00,99.00,"); }),
              1)
        << Csv(base + "campaign").body;
    const auto link_csv = CsvLines(Csv(base + "link").body);
    ASSERT_FALSE(link_csv.empty());
    EXPECT_TRUE(link_csv[0].starts_with("link_id,code,partner_id,campaign,channel,clicks,")) << link_csv[0];
}

TEST_F(Reports, TimeseriesByDayWeekAndMonth) {
    if (DayChanged()) GTEST_SKIP() << "the UTC day changed while the test ran";
    const auto today = DayOf(Clock::now());
    const std::string from = DateOf(today - std::chrono::days(2));
    const Json days =
        Report("/api/v1/reports/timeseries?program_id=" + program_ + "&interval=day&from=" + from + "&to=" + today_);
    EXPECT_EQ(days["report"], "timeseries");
    EXPECT_EQ(days["interval"], "day");
    const Json rows = days["data"];
    ASSERT_EQ(rows.size(), 3U) << days;
    EXPECT_EQ(rows[0]["period"], from);
    EXPECT_EQ(rows[2]["period"], today_);
    ExpectRow(rows[0], {.revenue = 0, .commission = 0}, "two days ago");
    ExpectRow(rows[1], {.revenue = 0, .commission = 0}, "yesterday");
    ExpectRow(rows[2], Everyone(), "today");
    ExpectRow(days["total"], Everyone(), "total");

    const std::chrono::weekday weekday{today};
    const auto monday = today - std::chrono::days((weekday.iso_encoding() + 6) % 7);
    const Json weeks = Report("/api/v1/reports/timeseries?program_id=" + program_ + "&interval=week");
    ASSERT_FALSE(weeks["data"].empty());
    EXPECT_EQ(weeks["data"].back()["period"], DateOf(monday));
    ExpectRow(weeks["data"].back(), Everyone(), "this week");
    const std::chrono::year_month_day ymd{today};
    const auto first = std::chrono::sys_days{ymd.year() / ymd.month() / std::chrono::day{1}};
    const Json months = Report("/api/v1/reports/timeseries?program_id=" + program_ + "&interval=month");
    EXPECT_EQ(months["data"].back()["period"], DateOf(first));
    ExpectRow(months["data"].back(), Everyone(), "this month");

    const Reply csv = Csv("/api/v1/reports/timeseries?program_id=" + program_ + "&from=" + from + "&to=" + today_);
    EXPECT_EQ(csv.header("content-disposition"),
              "attachment; filename=\"reftrack-timeseries-" + from + "-" + today_ + ".csv\"");
    const auto lines = CsvLines(csv.body);
    ASSERT_EQ(lines.size(), 4U) << csv.body;
    EXPECT_TRUE(lines[0].starts_with("period,clicks,unique_clicks,referrals,")) << lines[0];
    EXPECT_EQ(lines[1], from + ",0,0,0,0,0,,,0.00,,,,0.00,,,EUR");
    EXPECT_TRUE(lines[3].starts_with(today_ + ",7,3,4,3,1,0.571429,0.75,258.98,92.99,")) << lines[3];
    EXPECT_TRUE(lines[3].ends_with(",25.90,8.999228,3.70,EUR")) << lines[3];
}

TEST_F(Reports, FunnelCountsEveryStageAndTheTimeSpentInIt) {
    const Json funnel = Report("/api/v1/reports/funnel?program_id=" + program_);
    EXPECT_EQ(funnel["report"], "funnel");
    const Json rows = funnel["data"];
    ASSERT_EQ(rows.size(), 5U) << funnel;
    struct Stage {
        const char* stage;
        const char* name;
        const char* kind;
        std::int64_t entered, moved_on;
        std::optional<double> rate;
        std::optional<std::int64_t> median, p90;
    };
    // "new": R1, R2 and R3 left it (R4 did not). The exact median of three equal-weight samples is the
    // second smallest, p90 the largest.
    std::vector<std::int64_t> in_new = {SecondsIn(r1_, "new"), SecondsIn(r2_, "new"), SecondsIn(r3_, "new")};
    std::sort(in_new.begin(), in_new.end());
    const std::int64_t in_qualified = SecondsIn(r1_, "qualified");
    EXPECT_GE(in_qualified, 1) << "R1 waited 1.1 s in qualified";
    const Stage want[] = {
        {"new", "New", "open", 4, 3, 0.75, in_new[1], in_new[2]},
        {"qualified", "Qualified", "open", 2, 1, 0.5, in_qualified, in_qualified},
        {"proposal", "Proposal", "open", 0, 0, std::nullopt, std::nullopt, std::nullopt},
        {"won", "Won", "won", 1, 0, 0.0, std::nullopt, std::nullopt},
        {"lost", "Lost", "lost", 1, 0, 0.0, std::nullopt, std::nullopt},
    };
    for (std::size_t i = 0; i < 5; ++i) {
        const Json& row = rows[i];
        const Stage& w = want[i];
        EXPECT_EQ(row["stage"], w.stage);
        EXPECT_EQ(row["name"], w.name);
        EXPECT_EQ(row["kind"], w.kind);
        EXPECT_EQ(row["entered"], w.entered) << w.stage;
        EXPECT_EQ(row["moved_on"], w.moved_on) << w.stage;
        ExpectRate(row["moved_on_rate"], w.rate, std::string(w.stage) + " moved_on_rate");
        ExpectSeconds(row["time_in_stage"]["median_s"], w.median, std::string(w.stage) + " median");
        ExpectSeconds(row["time_in_stage"]["p90_s"], w.p90, std::string(w.stage) + " p90");
    }

    const auto lines = CsvLines(Csv("/api/v1/reports/funnel?program_id=" + program_).body);
    ASSERT_EQ(lines.size(), 6U);
    EXPECT_EQ(lines[0], "stage,name,kind,entered,moved_on,moved_on_rate,time_in_stage_median_s,time_in_stage_p90_s");
    EXPECT_TRUE(lines[1].starts_with("new,New,open,4,3,0.75,")) << lines[1];
    EXPECT_TRUE(lines[2].starts_with("qualified,Qualified,open,2,1,0.5,")) << lines[2];
    EXPECT_EQ(lines[3], "proposal,Proposal,open,0,0,,,");
    EXPECT_EQ(lines[4], "won,Won,won,1,0,0,,");
    EXPECT_EQ(lines[5], "lost,Lost,lost,1,0,0,,");

    // Ada's own funnel: R1, R2 and her deal R4.
    const Json own = Report("/api/v1/reports/funnel", api_->WithToken(ada_key_));
    EXPECT_EQ(own["data"][0]["entered"], 3);
    EXPECT_EQ(own["data"][0]["moved_on"], 2);
    EXPECT_EQ(own["data"][4]["entered"], 0) << "Eve's lost referral is not Ada's";
}

TEST_F(Reports, CohortsShowTheShareConverted) {
    if (DayChanged()) GTEST_SKIP() << "the UTC day changed while the test ran";
    const Json cohorts = Report("/api/v1/reports/cohorts?program_id=" + program_);
    EXPECT_EQ(cohorts["report"], "cohorts");
    const Json rows = cohorts["data"];
    ASSERT_EQ(rows.size(), 12U) << cohorts;
    EXPECT_EQ(rows.back(), (Json{{"cohort", today_.substr(0, 7)},
                                 {"referrals", 4},
                                 {"converted", 3},
                                 {"converted_7d", 3},
                                 {"converted_30d", 3},
                                 {"converted_90d", 3},
                                 {"share_7d", 0.75},
                                 {"share_30d", 0.75},
                                 {"share_90d", 0.75},
                                 {"share", 0.75}}));
    EXPECT_EQ(rows[0]["referrals"], 0);
    EXPECT_TRUE(rows[0]["share"].is_null());

    const auto lines = CsvLines(Csv("/api/v1/reports/cohorts?program_id=" + program_).body);
    ASSERT_EQ(lines.size(), 13U);
    EXPECT_EQ(lines[0],
              "cohort,referrals,converted,converted_7d,converted_30d,converted_90d,share_7d,share_30d,"
              "share_90d,share");
    EXPECT_EQ(lines[1], rows[0]["cohort"].get<std::string>() + ",0,0,0,0,0,,,,");
    EXPECT_EQ(lines[12], today_.substr(0, 7) + ",4,3,3,3,3,0.75,0.75,0.75,0.75");
}

TEST_F(Reports, PartnerKeysSeeOnlyTheirOwnRowsAndIngestKeysNone) {
    const Api ada = api_->WithToken(ada_key_);
    // Grouped by partner, or not filtered at all: Ada's row only, her program implied.
    const Json own = Report("/api/v1/reports/summary?group_by=partner", ada);
    ASSERT_EQ(own["data"].size(), 1U) << own;
    EXPECT_EQ(own["data"][0]["group"]["partner_id"], ada_);
    ExpectRow(own["data"][0], Ada(), "Ada's own");
    ExpectRow(own["total"], Ada(), "Ada's total");
    EXPECT_EQ(own["scope"]["partner_id"], ada_);
    EXPECT_EQ(own["scope"]["program_id"], program_);
    const Json channels = Report("/api/v1/reports/summary?group_by=channel", ada)["data"];
    std::set<std::string> names;
    for (const auto& row : channels) names.insert(row["group"]["channel"].get<std::string>());
    EXPECT_EQ(names, (std::set<std::string>{"blog", "newsletter", ""}));
    ExpectRow(Report("/api/v1/reports/timeseries", ada)["total"], Ada(), "Ada's series");
    EXPECT_EQ(Report("/api/v1/reports/cohorts", ada)["data"].back()["referrals"], 3);

    // Naming another partner is 404, like any object that is not hers; so is another program.
    EXPECT_TRUE(ada.Get("/api/v1/reports/summary?partner_id=" + eve_).IsProblem(404));
    EXPECT_TRUE(ada.Get("/api/v1/reports/timeseries?partner_id=" + eve_).IsProblem(404));
    auto other = api_->Post("/api/v1/programs",
                            {{"name", "Other"}, {"currency", "EUR"}, {"destination_domains", {"other.example"}}});
    ASSERT_EQ(other.status, 201);
    EXPECT_TRUE(ada.Get("/api/v1/reports/summary?program_id=" + Id(other.json())).IsProblem(404));

    const Reply csv = Csv("/api/v1/reports/summary?group_by=partner", ada);
    EXPECT_EQ(CsvLines(csv.body).size(), 2U) << csv.body;
    EXPECT_EQ(csv.body.find(eve_), std::string::npos);
    EXPECT_EQ(csv.body.find("Eve"), std::string::npos);

    const Api ingest = api_->WithToken(CreateKey("ingest:" + program_));
    for (const char* report : {"summary", "timeseries", "funnel", "cohorts"}) {
        EXPECT_TRUE(ingest.Get(std::string("/api/v1/reports/") + report + "?program_id=" + program_).IsProblem(403))
            << report;
        EXPECT_TRUE(api_->WithToken("").Get(std::string("/api/v1/reports/") + report).IsProblem(401)) << report;
    }
}

TEST_F(Reports, BadParametersAre422NamingTheField) {
    const std::string base = "/api/v1/reports/summary?program_id=" + program_;
    struct Case {
        std::string target;
        std::set<std::string> fields;
    };
    const Case cases[] = {
        {base + "&from=2026-13-01", {"from"}},
        {base + "&to=yesterday", {"to"}},
        {base + "&from=2026-11-24&to=2026-11-01", {"from"}},
        {base + "&group_by=colour", {"group_by"}},
        {base + "&interval=week", {"interval"}},
        {base + "&sort=-colour", {"sort"}},
        {base + "&limit=100001", {"limit"}},
        {base + "&source=carrier-pigeon", {"source"}},
        {base + "&partner_id=prt_nope", {"partner_id"}},
        {base + "&format=pdf", {"format"}},
        {base + "&colour=red&groupby=partner", {"colour", "groupby"}},
        {base + "&program_id=" + program_, {"program_id"}},
        {"/api/v1/reports/summary", {"program_id"}},
        {"/api/v1/reports/summary?program_id=prg_nope", {"program_id"}},
        {"/api/v1/reports/timeseries?program_id=" + program_ + "&interval=hour", {"interval"}},
        {"/api/v1/reports/funnel?program_id=" + program_ + "&sort=clicks", {"sort"}},
        {"/api/v1/reports/cohorts?program_id=" + program_ + "&group_by=partner", {"group_by"}},
    };
    for (const auto& c : cases) {
        const Reply r = api_->Get(c.target);
        EXPECT_TRUE(r.IsProblem(422)) << c.target << ": " << r.body;
        EXPECT_EQ(ErrorFields(r), c.fields) << c.target << ": " << r.body;
    }
    const Reply unknown = api_->Get(base + "&colour=red");
    EXPECT_EQ(unknown.json()["errors"][0]["message"], "is not a known parameter");
}

TEST_F(Reports, CommandLinePrintsTheSameCsvAndJsonOrATable) {
    if (DayChanged()) GTEST_SKIP() << "the UTC day changed while the test ran";
    const std::vector<std::string> base = {"report", "--db", db_url(), "--program", program_};
    auto run = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = base;
        args.insert(args.end(), extra.begin(), extra.end());
        return Reftrack(args);
    };

    const auto csv = run({"--format", "csv"});
    ASSERT_EQ(csv.exit_code, 0) << csv.err;
    EXPECT_EQ(csv.out, Csv("/api/v1/reports/summary?program_id=" + program_).body);
    const auto channel_csv = run({"--format", "csv", "--group-by", "channel", "--partner", ada_});
    ASSERT_EQ(channel_csv.exit_code, 0) << channel_csv.err;
    EXPECT_EQ(channel_csv.out,
              Csv("/api/v1/reports/summary?group_by=channel&program_id=" + program_ + "&partner_id=" + ada_).body);

    const auto json = run({"--format", "json", "--group-by", "campaign", "--campaign", "=cmd"});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    const Json printed = Json::parse(json.out, nullptr, false);
    const Json served = Report("/api/v1/reports/summary?group_by=campaign&campaign=%3Dcmd&program_id=" + program_);
    EXPECT_EQ(printed, served);
    ExpectRow(printed["total"], Eve(), "--campaign =cmd");

    const auto weeks = run({"--format", "json", "--group-by", "week"});
    ASSERT_EQ(weeks.exit_code, 0) << weeks.err;
    EXPECT_EQ(Json::parse(weeks.out, nullptr, false),
              Report("/api/v1/reports/timeseries?interval=week&program_id=" + program_));

    const auto table = run({});
    ASSERT_EQ(table.exit_code, 0) << table.err;
    EXPECT_NE(table.out.find("summary by partner"), std::string::npos) << table.out;
    std::string header, ada_line, total_line;
    std::istringstream lines(table.out);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("partner_id")) header = line;
        if (line.starts_with(ada_)) ada_line = line;
        if (line.starts_with("total")) total_line = line;
    }
    EXPECT_TRUE(std::regex_search(header, std::regex(R"(^partner_id +partner_name +clicks +unique_clicks)"))) << header;
    EXPECT_EQ(header.find("currency"), std::string::npos) << "the currency goes with the money";
    EXPECT_TRUE(std::regex_search(ada_line, std::regex(R"(Ada Lovelace +5 +2 +3 +2 +1 +0\.6 +0\.666667 +159\.98 EUR)")))
        << ada_line;
    EXPECT_TRUE(ada_line.ends_with("8.99875  3.20 EUR")) << ada_line;
    EXPECT_TRUE(std::regex_search(total_line, std::regex(R"(^total +7 +3 +4 +3 +1 )"))) << total_line;
    // Numbers are right-aligned: each column ends where its header ends.
    EXPECT_EQ(ada_line.find(" 5 ") + 2, header.find("clicks") + 6) << header << "\n" << ada_line;

    const auto days = run({"--group-by", "day", "--from", today_, "--to", today_});
    ASSERT_EQ(days.exit_code, 0) << days.err;
    EXPECT_NE(days.out.find("period"), std::string::npos) << days.out;
    EXPECT_NE(days.out.find(today_ + "       7"), std::string::npos) << days.out;

    auto one_line = [](const CommandResult& r) {
        return r.exit_code == 2 && r.err.starts_with("reftrack: ") && r.err.find('\n') == r.err.size() - 1;
    };
    const auto bad_from = run({"--from", "2026-13-01"});
    EXPECT_TRUE(one_line(bad_from)) << bad_from.err;
    EXPECT_NE(bad_from.err.find("--from"), std::string::npos) << bad_from.err;
    const auto bad_format = run({"--format", "xml"});
    EXPECT_TRUE(one_line(bad_format)) << bad_format.err;
    const auto bad_group = run({"--group-by", "colour"});
    EXPECT_TRUE(one_line(bad_group)) << bad_group.err;
    const auto unknown = Reftrack({"report", "--db", db_url(), "--program", "prg_01m86fyz80abs2csd61g9d528r"});
    EXPECT_TRUE(one_line(unknown)) << unknown.err;
    EXPECT_NE(unknown.err.find("--program"), std::string::npos) << unknown.err;
    const auto no_program = Reftrack({"report", "--db", db_url()});
    EXPECT_TRUE(one_line(no_program)) << no_program.err;
    const auto no_db = Reftrack({"report", "--db", "postgresql://nobody@127.0.0.1:1/none", "--program", program_});
    EXPECT_NE(no_db.exit_code, 0);
    EXPECT_TRUE(no_db.err.starts_with("reftrack: ")) << no_db.err;
}

}  // namespace
}  // namespace rt::testing
