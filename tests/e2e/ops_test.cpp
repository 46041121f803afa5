// Health, readiness, metrics, the OpenAPI document, demo seeding and shutdown, as an operator sees them.
#include <signal.h>

#include <regex>

#include "e2e_fixture.hpp"

namespace rt::testing {
namespace {

class Ops : public E2eTest {};

TEST_F(Ops, HealthAndReadinessNeedNoKey) {
    Api anon = api_->WithToken("");
    auto health = anon.Get("/healthz");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.json()["status"], "ok");
    auto ready = anon.Get("/readyz");
    EXPECT_EQ(ready.status, 200) << ready.body;
    auto head = anon.Send("HEAD", "/healthz");
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
}

TEST_F(Ops, MetricsCountRequestsByRouteAndStatus) {
    for (int i = 0; i < 3; ++i) ASSERT_EQ(api_->Get("/api/v1/programs").status, 200);
    ASSERT_EQ(api_->Get("/api/v1/programs/prg_01jd0000000000000000000000").status, 404);
    auto metrics = api_->WithToken("").Get("/metrics");
    ASSERT_EQ(metrics.status, 200);
    EXPECT_TRUE(metrics.header("content-type").starts_with("text/plain"));
    const std::regex ok_line(R"re(http_requests_total\{[^}]*route="/api/v1/programs"[^}]*status="200"[^}]*\} (\d+))re");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(metrics.body, m, ok_line)) << metrics.body;
    EXPECT_EQ(std::stoi(m[1]), 3);
    EXPECT_TRUE(std::regex_search(metrics.body, std::regex(R"re(route="/api/v1/programs/\{id\}"[^}]*status="404")re")))
        << metrics.body;
    EXPECT_NE(metrics.body.find("http_request_duration_seconds_bucket"), std::string::npos);
    // The writers' batches, and how many of them lingered (0 or more: whether a batch lingers depends on timing).
    for (const char* counter :
         {"reftrack_click_batches_lingered_total", "reftrack_conversion_batches_lingered_total"}) {
        EXPECT_TRUE(std::regex_search(metrics.body, std::regex(std::string("\\n") + counter + " \\d+\\n")))
            << counter << " missing from " << metrics.body;
    }
}

TEST_F(Ops, ServesTheOpenApiDocument) {
    auto doc = api_->WithToken("").Get("/api/openapi.json");
    ASSERT_EQ(doc.status, 200);
    const auto j = doc.json();
    EXPECT_EQ(j["openapi"], "3.1.0");
    EXPECT_TRUE(j["paths"].contains("/api/v1/links/{id}"));
}

TEST_F(Ops, DemoSeedsOnceAndPrintsAWorkingAdminKeyAndLogins) {
    StartServer({}, {"--demo"});
    std::smatch m;
    const std::string out = server_->startup_output();
    ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(Admin API key[^:]*: (rtk_\S+))"))) << out;
    const std::string first_key = m[1];
    ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(Dashboard: \S+/login +admin@demo\.example / (\S+))"))) << out;
    const std::string first_password = m[1];
    ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(Partner portal: \S+/login +partner@demo\.example / (\S+))")))
        << out;
    Api demo = api_->WithToken(first_key);
    auto partners = demo.Get("/api/v1/partners?limit=500");
    ASSERT_EQ(partners.status, 200) << partners.body;
    EXPECT_EQ(partners.json()["data"].size(), 40u);
    const auto program_id = partners.json()["data"][0]["program_id"].get<std::string>();
    // The demo is reftrack demo's data: traffic over 90 days, in the reports.
    char from[16];
    const std::time_t then = std::time(nullptr) - 95 * 86'400;
    std::strftime(from, sizeof from, "%Y-%m-%d", std::gmtime(&then));
    auto summary =
        demo.Get("/api/v1/reports/summary?group_by=program&program_id=" + program_id + "&from=" + std::string(from));
    ASSERT_EQ(summary.status, 200) << summary.body;
    const auto clicks = summary.json()["data"][0]["clicks"].get<std::int64_t>();
    EXPECT_GT(clicks, 10'000) << summary.body;
    EXPECT_EQ(api_->WithToken("")
                  .Post("/api/v1/session", {{"email", "admin@demo.example"}, {"password", first_password}})
                  .status,
              200);

    StartServer({}, {"--demo"});
    const std::string again = server_->startup_output();
    ASSERT_TRUE(std::regex_search(again, m, std::regex(R"(Admin API key[^:]*: (rtk_\S+))"))) << again;
    EXPECT_NE(m[1], first_key);
    EXPECT_EQ(api_->WithToken(m[1]).Get("/api/v1/partners?limit=500").json()["data"].size(), 40u);  // seeded once
    EXPECT_TRUE(api_->WithToken(first_key).Get("/api/v1/links").IsProblem(401));
    ASSERT_TRUE(std::regex_search(again, m, std::regex(R"(Dashboard: \S+/login +admin@demo\.example / (\S+))")));
    EXPECT_NE(m[1], first_password);
    EXPECT_EQ(api_->WithToken("")
                  .Post("/api/v1/session", {{"email", "admin@demo.example"}, {"password", first_password}})
                  .status,
              401);
    EXPECT_EQ(api_->WithToken("")
                  .Post("/api/v1/session", {{"email", "admin@demo.example"}, {"password", std::string(m[1])}})
                  .status,
              200);
}

TEST_F(Ops, SigtermStopsCleanly) {
    EXPECT_EQ(api_->Get("/healthz").status, 200);
    EXPECT_EQ(server_->StopWith(SIGTERM), 0);
}

}  // namespace
}  // namespace rt::testing
