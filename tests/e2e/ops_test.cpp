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
}

TEST_F(Ops, ServesTheOpenApiDocument) {
    auto doc = api_->WithToken("").Get("/api/openapi.json");
    ASSERT_EQ(doc.status, 200);
    const auto j = doc.json();
    EXPECT_EQ(j["openapi"], "3.1.0");
    EXPECT_TRUE(j["paths"].contains("/api/v1/links/{id}"));
}

TEST_F(Ops, DemoSeedsOnceAndPrintsAWorkingAdminKey) {
    StartServer({}, {"--demo"});
    std::smatch m;
    const std::string out = server_->startup_output();
    ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(Admin API key[^:]*: (rtk_\S+))"))) << out;
    const std::string first_key = m[1];
    Api demo = api_->WithToken(first_key);
    auto links = demo.Get("/api/v1/links?limit=500");
    ASSERT_EQ(links.status, 200) << links.body;
    EXPECT_EQ(links.json()["data"].size(), 15u);

    StartServer({}, {"--demo"});
    const std::string again = server_->startup_output();
    ASSERT_TRUE(std::regex_search(again, m, std::regex(R"(Admin API key[^:]*: (rtk_\S+))"))) << again;
    EXPECT_NE(m[1], first_key);
    EXPECT_EQ(api_->WithToken(m[1]).Get("/api/v1/links?limit=500").json()["data"].size(), 15u);
    EXPECT_TRUE(api_->WithToken(first_key).Get("/api/v1/links").IsProblem(401));
}

TEST_F(Ops, SigtermStopsCleanly) {
    EXPECT_EQ(api_->Get("/healthz").status, 200);
    EXPECT_EQ(server_->StopWith(SIGTERM), 0);
}

}  // namespace
}  // namespace rt::testing
