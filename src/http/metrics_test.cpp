#include "http/metrics.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <thread>
#include <vector>

namespace rt::http {
namespace {

using namespace std::chrono_literals;

// A parsed exposition: samples by their full series text (name{labels}), and each family's TYPE.
struct Exposition {
    std::map<std::string, std::string> samples;
    std::map<std::string, std::string> types;
    std::map<std::string, std::string> helps;
};

// Parses Render()'s output; fails the test on a line that is neither a comment nor "series value", or
// on a sample whose family has no TYPE line before it.
Exposition Parse(const std::string& text) {
    Exposition out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("# TYPE ", 0) == 0 || line.rfind("# HELP ", 0) == 0) {
            const std::string rest = line.substr(7);
            const auto space = rest.find(' ');
            (line[2] == 'T' ? out.types : out.helps)[rest.substr(0, space)] = rest.substr(space + 1);
            continue;
        }
        const auto space = line.rfind(' ');
        EXPECT_NE(space, std::string::npos) << line;
        if (space == std::string::npos) continue;
        const std::string series = line.substr(0, space);
        const std::string name = series.substr(0, series.find('{'));
        const bool typed = out.types.count(name) > 0 || out.types.count(name.substr(0, name.rfind('_'))) > 0;
        EXPECT_TRUE(typed) << "no TYPE before " << line;
        out.samples[series] = line.substr(space + 1);
    }
    return out;
}

TEST(MetricsTest, CountsRequestsByRouteMethodAndStatus) {
    Metrics metrics;
    for (int i = 0; i < 3; ++i) metrics.ObserveRequest("/r/{code}", Method::kGet, 302, 1ms);
    metrics.ObserveRequest("/r/{code}", Method::kGet, 404, 1ms);
    metrics.ObserveRequest("/api/v1/links", Method::kPost, 201, 1ms);
    metrics.ObserveRequest("", Method::kOther, 400, 1ms);

    const Exposition e = Parse(metrics.Render());
    EXPECT_EQ(e.types.at("http_requests_total"), "counter");
    EXPECT_FALSE(e.helps.at("http_requests_total").empty());
    EXPECT_EQ(e.samples.at(R"(http_requests_total{route="/r/{code}",method="GET",status="302"})"), "3");
    EXPECT_EQ(e.samples.at(R"(http_requests_total{route="/r/{code}",method="GET",status="404"})"), "1");
    EXPECT_EQ(e.samples.at(R"(http_requests_total{route="/api/v1/links",method="POST",status="201"})"), "1");
    EXPECT_EQ(e.samples.at(R"(http_requests_total{route="unmatched",method="OTHER",status="400"})"), "1");
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithInclusiveBounds) {
    Metrics metrics;
    metrics.ObserveRequest("/x", Method::kGet, 200, 300us);
    metrics.ObserveRequest("/x", Method::kGet, 200, 1ms);  // exactly on the 0.001 bound
    metrics.ObserveRequest("/x", Method::kGet, 200, 2ms);
    metrics.ObserveRequest("/x", Method::kGet, 200, 20s);  // above the largest bound

    const Exposition e = Parse(metrics.Render());
    EXPECT_EQ(e.types.at("http_request_duration_seconds"), "histogram");
    const auto bucket = [&](const std::string& le) {
        return e.samples.at(R"(http_request_duration_seconds_bucket{route="/x",le=")" + le + "\"}");
    };
    EXPECT_EQ(bucket("0.0005"), "1");
    EXPECT_EQ(bucket("0.001"), "2");
    EXPECT_EQ(bucket("0.0025"), "3");
    EXPECT_EQ(bucket("10"), "3");
    EXPECT_EQ(bucket("+Inf"), "4");
    EXPECT_EQ(e.samples.at(R"(http_request_duration_seconds_count{route="/x"})"), "4");
    EXPECT_DOUBLE_EQ(std::stod(e.samples.at(R"(http_request_duration_seconds_sum{route="/x"})")), 20.0033);

    std::size_t buckets = 0;
    for (const auto& [series, value] : e.samples)
        buckets += series.rfind("http_request_duration_seconds_bucket", 0) == 0;
    EXPECT_EQ(buckets, Metrics::kDurationBuckets.size() + 1);
}

TEST(MetricsTest, EmptyRegistryStillDescribesTheHttpFamilies) {
    Metrics metrics;
    const Exposition e = Parse(metrics.Render());
    EXPECT_TRUE(e.samples.empty());
    EXPECT_EQ(e.types.at("http_requests_total"), "counter");
    EXPECT_EQ(e.types.at("http_request_duration_seconds"), "histogram");
}

TEST(MetricsTest, GaugesAndCountersRegisteredByName) {
    Metrics metrics;
    metrics.SetGauge("reftrack_click_queue_depth", "Clicks waiting for the group commit.", 5);
    metrics.SetGauge("reftrack_click_queue_depth", "ignored on later calls", 7.5);
    metrics.AddToCounter("reftrack_clicks_total", "Clicks recorded.", 2);
    metrics.AddToCounter("reftrack_clicks_total", "Clicks recorded.");
    int depth = 3;
    metrics.SetGaugeFunction("reftrack_worker_queue", "Tasks waiting for a worker.", [&] { return depth; });
    depth = 4;
    std::uint64_t batches = 5;
    metrics.SetCounterFunction("reftrack_batches_total", "Batches committed.", [&] { return batches; });
    batches = 6;

    const std::string text = metrics.Render();
    const Exposition e = Parse(text);
    EXPECT_EQ(e.samples.at("reftrack_click_queue_depth"), "7.5");
    EXPECT_EQ(e.types.at("reftrack_click_queue_depth"), "gauge");
    EXPECT_EQ(e.helps.at("reftrack_click_queue_depth"), "Clicks waiting for the group commit.");
    EXPECT_EQ(e.samples.at("reftrack_clicks_total"), "3");
    EXPECT_EQ(e.types.at("reftrack_clicks_total"), "counter");
    EXPECT_EQ(e.samples.at("reftrack_worker_queue"), "4");
    EXPECT_EQ(e.types.at("reftrack_worker_queue"), "gauge");
    EXPECT_EQ(e.samples.at("reftrack_batches_total"), "6");
    EXPECT_EQ(e.types.at("reftrack_batches_total"), "counter");
    EXPECT_EQ(e.helps.at("reftrack_batches_total"), "Batches committed.");
    EXPECT_LT(text.find("# TYPE reftrack_click_queue_depth"), text.find("# TYPE reftrack_clicks_total"));
}

TEST(MetricsTest, LabelValuesAndHelpAreEscaped) {
    Metrics metrics;
    metrics.ObserveRequest("/a\"b\\c\nd", Method::kGet, 200, 1ms);
    metrics.SetGauge("odd_help", "line one\nback\\slash", 1);
    const std::string text = metrics.Render();
    EXPECT_NE(text.find(R"(route="/a\"b\\c\nd")"), std::string::npos) << text;
    EXPECT_NE(text.find(R"(# HELP odd_help line one\nback\\slash)"), std::string::npos) << text;
}

TEST(MetricsTest, ConcurrentObservationsAreAllCounted) {
    Metrics metrics;
    constexpr int kThreads = 4;
    constexpr int kEach = 10000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                metrics.ObserveRequest(t % 2 == 0 ? "/even" : "/odd", Method::kGet, 200, 1ms);
                if (i % 1000 == 0) metrics.Render();
            }
        });
    }
    for (auto& t : threads) t.join();
    const Exposition e = Parse(metrics.Render());
    EXPECT_EQ(e.samples.at(R"(http_requests_total{route="/even",method="GET",status="200"})"), "20000");
    EXPECT_EQ(e.samples.at(R"(http_request_duration_seconds_count{route="/odd"})"), "20000");
}

}  // namespace
}  // namespace rt::http
