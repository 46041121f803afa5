#include "http/routes_funnel.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/conversion_service.hpp"
#include "app/coupon_service.hpp"
#include "app/idempotency.hpp"
#include "app/key_service.hpp"
#include "app/program_service.hpp"
#include "app/referral_service.hpp"
#include "http/router.hpp"
#include "http/router_test_support.hpp"
#include "ports/fakes.hpp"
#include "ports/system.hpp"
#include "storage/open_store.hpp"

namespace rt::http {
namespace {

// POST /api/v1/conversions without a worker. The router's worker pool here has no room at all, so a request
// left to the blocking handler is answered 503 at once: a 2xx or a 4xx about the conversion itself shows
// the fast path answered it.
class ConversionFastPathTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto store = storage::OpenStore("memory://");
        ASSERT_TRUE(store) << store.error().message();
        store_ = std::move(*store);
        ASSERT_TRUE(store_->Migrate());
        const app::Deps deps{*store_, clock_, random_, digest_};
        keys_ = std::make_unique<app::KeyService>(deps, hasher_);
        coupons_ = std::make_unique<app::CouponService>(deps);
        referrals_ = std::make_unique<app::ReferralService>(deps, vault_);
        conversions_ = std::make_unique<app::ConversionService>(deps, vault_);
        idempotency_ = std::make_unique<app::IdempotencyKeys>(deps);
        router_ = std::make_unique<Router>(pool_);
        funnel_ = std::make_unique<FunnelContext>(
            FunnelContext{*coupons_, *referrals_, *conversions_, *idempotency_, *keys_, deps, vault_});
        AddFunnelRoutes(*router_, *funnel_);

        auto admin = keys_->Create(core::Scope::Admin(), "admin");
        ASSERT_TRUE(admin) << admin.error().message();
        token_ = admin->token;
        app::ProgramService programs(deps);
        auto program = programs.Create(
            {core::Scope::Admin(), admin->record.id},
            core::ProgramFields{
                .name = "Spring", .currency = "EUR", .destination_domains = std::vector<std::string>{"shop.example"}});
        ASSERT_TRUE(program) << program.error().message();
        program_id_ = program->id.str();
    }

    // Answers every conversion still waiting for its commit before the services go.
    void TearDown() override { conversions_->Stop(); }

    std::string Sale(const std::string& external_id, std::int64_t amount = 12999) const {
        return nlohmann::json{
            {"program_id", program_id_}, {"external_id", external_id}, {"amount", amount}, {"currency", "EUR"}}
            .dump();
    }

    Response Post(std::string body, std::vector<Header> extra_headers = {}) {
        Request req;
        req.method = Method::kPost;
        req.target = req.path = "/api/v1/conversions";
        req.headers.push_back({"authorization", "Bearer " + token_});
        req.headers.push_back({"content-type", "application/json"});
        for (auto& h : extra_headers) req.headers.push_back(std::move(h));
        req.body = std::move(body);
        return testing::DispatchAndWait(*router_, std::move(req));
    }

    ports::FakeClock clock_;
    ports::SeededRandom random_;
    ports::Sha256Digest digest_;
    ports::PlainHasher hasher_;
    ports::FakeVault vault_;
    std::unique_ptr<ports::Store> store_;
    std::unique_ptr<app::KeyService> keys_;
    std::unique_ptr<app::CouponService> coupons_;
    std::unique_ptr<app::ReferralService> referrals_;
    std::unique_ptr<app::ConversionService> conversions_;
    std::unique_ptr<app::IdempotencyKeys> idempotency_;
    WorkerPool pool_{1, 0};
    std::unique_ptr<Router> router_;
    std::unique_ptr<FunnelContext> funnel_;
    std::string token_;
    std::string program_id_;
};

TEST_F(ConversionFastPathTest, AKeyNotVerifiedYetWaitsForAWorker) { EXPECT_EQ(Post(Sale("inv-1")).status, 503); }

TEST_F(ConversionFastPathTest, AVerifiedKeysConversionsAreRecordedAndAnsweredWithoutAWorker) {
    ASSERT_TRUE(keys_->Authenticate(token_));
    const Response first = Post(Sale("inv-1"));
    ASSERT_EQ(first.status, 201) << first.body;
    EXPECT_EQ(first.route, "/api/v1/conversions");
    const auto id = nlohmann::json::parse(first.body).value("id", "");
    const auto principal = keys_->Cached(token_);
    ASSERT_TRUE(principal);
    auto stored = conversions_->Get(*principal, id);
    ASSERT_TRUE(stored) << stored.error().message();
    EXPECT_EQ(stored->conversion.amount.amount, 12999);

    const Response repeat = Post(Sale("inv-1"));
    EXPECT_EQ(repeat.status, 200) << repeat.body;
    EXPECT_EQ(nlohmann::json::parse(repeat.body).value("id", "-"), id);
    EXPECT_EQ(Post(Sale("inv-1", 13000)).status, 409);
    EXPECT_EQ(Post(R"({"external_id": "inv-2", "amount": 1, "currency": "EUR", "colour": "red"})").status, 422);
}

TEST_F(ConversionFastPathTest, IdempotencyKeysAndLargeBodiesWaitForAWorker) {
    ASSERT_TRUE(keys_->Authenticate(token_));
    EXPECT_EQ(Post(Sale("inv-1"), {{"idempotency-key", "inv-1"}}).status, 503);
    EXPECT_EQ(Post(std::string(17 * 1024, ' ') + Sale("inv-2")).status, 503);
    EXPECT_EQ(Post(Sale("inv-3")).status, 201);  // the same key, the fast path
}

}  // namespace
}  // namespace rt::http
