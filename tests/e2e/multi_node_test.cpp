// Two `reftrack serve` nodes on one PostgreSQL database, as behind a load balancer: a link change made at one
// node reaches the other's redirect; clicks and conversions driven at both at once are all kept, each conversion
// once even when both nodes receive it; the ledger verifies; reports at either node equal counts of raw rows.
// SQLite serves one process per file, so on SQLite these tests skip.

#include <atomic>
#include <chrono>
#include <latch>
#include <random>
#include <set>
#include <thread>

#include "direct_db.hpp"
#include "e2e_fixture.hpp"

namespace rt::testing {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

std::string Id(const Json& j) { return j.at("id").get<std::string>(); }

// A browser's visit (a client without a browser's User-Agent counts as a bot click).
Reply Visit(const Api& node, const std::string& code) {
    return node.Send("GET", "/r/" + code, "", {{"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"}});
}

class MultiNode : public E2eTest {
  protected:
    void SetUp() override {
        if (backend_ != Backend::kPostgresql) GTEST_SKIP() << "several nodes share a database on PostgreSQL only";
        E2eTest::SetUp();
        node_b_ =
            std::make_unique<ServerProcess>(RT_BINARY, std::vector<std::string>{"--db", db_url()}, WithBackendEnv({}));
        b_ = std::make_unique<Api>(node_b_->port(), admin_key_);
        program_ = CreateProgram();
        partner_ = CreatePartner(Id(program_), "ada@partners.example.org");
        ASSERT_EQ(api_->Post("/api/v1/coupons", {{"partner_id", Id(partner_)}, {"code", "ada-10"}}).status, 201);
    }
    void TearDown() override {
        node_b_.reset();
        E2eTest::TearDown();
    }

    // Polls `node` for GET /r/<code> until it answers `status`, for at most 10 s; the last status seen.
    static int AwaitRedirectStatus(const Api& node, const std::string& code, int status) {
        int seen = 0;
        for (auto deadline = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < deadline;) {
            seen = Visit(node, code).status;
            if (seen == status) return seen;
            std::this_thread::sleep_for(50ms);
        }
        return seen;
    }

    std::unique_ptr<ServerProcess> node_b_;
    std::unique_ptr<Api> b_;  // node B, as admin
    Json program_;
    Json partner_;
};

TEST_F(MultiNode, ALinkMadeOrDisabledAtOneNodeRedirectsAccordinglyAtTheOther) {
    // Node B loaded its directory before this link existed: only the change notification can tell it.
    const Json link = CreateLink(Id(partner_), {{"code", "made-at-a"}});
    EXPECT_EQ(AwaitRedirectStatus(*b_, "made-at-a", 302), 302) << "node B never learned of the new link";

    ASSERT_EQ(api_->Patch("/api/v1/links/" + Id(link), {{"status", "disabled"}}).status, 200);
    EXPECT_EQ(AwaitRedirectStatus(*b_, "made-at-a", 404), 404) << "node B still redirects a disabled link";

    // And the other way round: changed at B, seen at A.
    ASSERT_EQ(b_->Patch("/api/v1/links/" + Id(link), {{"status", "active"}}).status, 200);
    EXPECT_EQ(AwaitRedirectStatus(*api_, "made-at-a", 302), 302) << "node A never learned of the re-enabled link";
}

TEST_F(MultiNode, ClicksAndConversionsAtBothNodesAreAllKeptOnceAndTheLedgerAndReportsAgree) {
    std::vector<std::string> codes;
    for (int i = 0; i < 20; ++i) {
        const std::string code = "two-nodes-" + std::to_string(i);
        CreateLink(Id(partner_), {{"code", code}});
        codes.push_back(code);
    }
    for (const auto& code : codes) ASSERT_EQ(AwaitRedirectStatus(*b_, code, 302), 302) << code;

    // Per node: two threads of redirects to random codes, and one thread sending every conversion. Both nodes
    // send the same external ids, so each conversion arrives twice, at two nodes, at about the same time.
    constexpr int kClicksPerThread = 150;
    constexpr int kConversions = 60;
    const Api* nodes[] = {api_.get(), b_.get()};
    std::atomic<int> redirects{0};
    std::atomic<int> created{0};
    std::atomic<int> repeated{0};
    std::atomic<int> unexpected{0};
    std::vector<std::string> problems(6);
    std::latch start(6);
    std::vector<std::thread> threads;
    for (int n = 0; n < 2; ++n) {
        const Api& node = *nodes[n];
        for (int t = 0; t < 2; ++t) {
            threads.emplace_back([&, n, t] {
                std::mt19937 pick(static_cast<unsigned>(n * 10 + t));
                start.arrive_and_wait();
                for (int i = 0; i < kClicksPerThread; ++i) {
                    const auto reply = Visit(node, codes[pick() % codes.size()]);
                    if (reply.status == 302) {
                        ++redirects;
                    } else {
                        ++unexpected;
                        problems[n * 3 + t] = "redirect " + std::to_string(reply.status) + ": " + reply.body;
                    }
                }
            });
        }
        threads.emplace_back([&, n] {
            start.arrive_and_wait();
            for (int i = 0; i < kConversions; ++i) {
                Json sale = {{"program_id", Id(program_)},
                             {"external_id", "order-" + std::to_string(i)},
                             {"amount", 1000 + i},
                             {"currency", "EUR"}};
                if (i % 2 == 0) sale["coupon"] = "ada-10";
                // A node may refuse with 503 when the database asks to retry (a lock timeout); a client retries.
                Reply reply;
                for (int attempt = 0; attempt < 5; ++attempt) {
                    reply = node.Post("/api/v1/conversions", sale);
                    if (reply.status != 503) break;
                    std::this_thread::sleep_for(100ms);
                }
                if (reply.status == 201) {
                    ++created;
                } else if (reply.status == 200) {
                    ++repeated;
                } else {
                    ++unexpected;
                    problems[n * 3 + 2] = "conversion " + std::to_string(reply.status) + ": " + reply.body;
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    for (const auto& p : problems) EXPECT_TRUE(p.empty()) << p;
    EXPECT_EQ(unexpected.load(), 0);
    EXPECT_EQ(redirects.load(), 4 * kClicksPerThread);
    EXPECT_EQ(created.load(), kConversions) << "each conversion is created once";
    EXPECT_EQ(repeated.load(), kConversions) << "and its second arrival answered as a repeat";

    // Every acknowledged click and conversion is in the database, none twice (the polls above clicked once per
    // link at node B).
    const DirectDb db(db_url());
    const auto program_id = Id(program_);
    EXPECT_EQ(db.QueryInt("SELECT count(*) FROM clicks WHERE program_id = ?1", {program_id}),
              4 * kClicksPerThread + static_cast<int>(codes.size()));
    EXPECT_EQ(db.QueryInt("SELECT count(*) FROM conversions WHERE program_id = ?1", {program_id}), kConversions);
    EXPECT_EQ(db.QueryInt("SELECT count(DISTINCT external_id) FROM conversions WHERE program_id = ?1", {program_id}),
              kConversions);

    // One valid chain per program, written by both nodes.
    const auto verify = Reftrack({"verify", "--db", db_url()});
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

    // The reports of both nodes equal the raw rows' counts: human clicks, and attributed sales (an unattributed
    // sale, here the odd ones without a coupon, is in no partner's numbers).
    const auto raw_clicks = db.QueryInt("SELECT count(*) FROM clicks WHERE program_id = ?1 AND bot = 0", {program_id});
    const std::string attributed_sales =
        " FROM conversions WHERE program_id = ?1 AND type = 'sale' AND attribution_source <> 'none'";
    const auto raw_sales = db.QueryInt("SELECT count(*)" + attributed_sales, {program_id});
    const auto raw_revenue = db.QueryInt("SELECT coalesce(sum(amount), 0)" + attributed_sales, {program_id});
    EXPECT_EQ(raw_clicks, 4 * kClicksPerThread + static_cast<int>(codes.size()));
    EXPECT_EQ(raw_sales, kConversions / 2);
    for (const Api* node : nodes) {
        const auto r = node->Get("/api/v1/reports/summary?group_by=program&program_id=" + program_id);
        ASSERT_EQ(r.status, 200) << r.body;
        const Json report = r.json();
        ASSERT_EQ(report["data"].size(), 1U) << report;
        const Json row = report["data"][0];
        EXPECT_EQ(row["clicks"], raw_clicks) << row;
        EXPECT_EQ(row["conversions"], raw_sales) << row;
        EXPECT_EQ(row["revenue"]["amount"], raw_revenue) << row;
    }
}

}  // namespace
}  // namespace rt::testing
