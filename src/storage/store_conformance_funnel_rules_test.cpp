// The storage conformance suite, funnel part 4: idempotency keys, the programs' customer and commission
// policies, kNotFound, rollback and read-only transactions across the funnel.

#include "storage/store_conformance_funnel.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage::testing {
namespace {

using core::ErrorCode;

ports::IdempotencyRecord RecordOf(std::string scope, std::string key) {
    return {.scope = std::move(scope),
            .key = std::move(key),
            .request_hash = std::string(64, 'f'),
            .status = 201,
            .body = R"({"id":"cnv_01jd","note":"caf\u00e9 \"quoted\""})",
            .created_at = {1'795'000'002'222}};
}

TEST_P(StoreConformanceTest, IdempotencyRecordRoundTripsAndItsKeyIsUniquePerScope) {
    const auto record = RecordOf("key_01jd/POST /v1/conversions", "retry-7f3a");
    auto empty_body = RecordOf("key_01jd/POST /v1/conversions", "retry-8b4c");
    empty_body.status = 204;
    empty_body.body.clear();
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertIdempotency(record); !ok) return ok;
        return tx.InsertIdempotency(empty_body);
    }));

    for (const auto& want : {record, empty_body}) {
        auto got = Read([&](ports::StoreTx& tx) { return tx.FindIdempotency(want.scope, want.key); });
        ASSERT_TRUE(got) << got.error().message();
        ASSERT_TRUE(got->has_value());
        EXPECT_EQ(Describe(**got), Describe(want));
    }
    auto repeat = record;
    repeat.request_hash = "other";
    ExpectFailure(Write([&](ports::StoreTx& tx) { return tx.InsertIdempotency(repeat); }), ErrorCode::kConflict,
                  kIdempotencyKeyTaken);
    auto other_scope = Write([&](ports::StoreTx& tx) {
        return tx.InsertIdempotency(RecordOf("key_01je/POST /v1/conversions", record.key));
    });
    EXPECT_TRUE(other_scope) << "the same key in another scope: " << other_scope.error().message();

    const std::pair<std::string, std::string> unknown[] = {
        {record.scope, "retry-0000"}, {"key_01jf/POST /v1/conversions", record.key}, {"", ""}};
    for (const auto& [scope, key] : unknown) {
        auto none = Read([&](ports::StoreTx& tx) { return tx.FindIdempotency(scope, key); });
        ASSERT_TRUE(none) << none.error().message();
        EXPECT_FALSE(none->has_value()) << scope << " " << key;
    }
}

TEST_P(StoreConformanceTest, ProgramCustomerAndCommissionPoliciesRoundTripAndUpdate) {
    const auto original = MakeProgram();  // sticky off, flat default rule, two group rules
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertProgram(original); }));
    auto got = Read([&](ports::StoreTx& tx) { return tx.GetProgram(original.id); });
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_FALSE(got->sticky_customers);
    EXPECT_TRUE(got->commission == original.commission) << Describe(*got);

    auto changed = original;
    changed.sticky_customers = true;
    changed.commission.default_rule = {core::CommissionRule::Kind::kPercent, core::CommissionRule::kMaxPercentBps, 0};
    changed.commission.by_group = {{"silver", {core::CommissionRule::Kind::kFlat, 0, 1}}};
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.UpdateProgram(changed); }));
    got = Read([&](ports::StoreTx& tx) { return tx.GetProgram(original.id); });
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(Describe(*got), Describe(changed));
    EXPECT_TRUE(got->commission == changed.commission);
}

TEST_P(StoreConformanceTest, ProgramThatNeverSetItsPoliciesReadsBackStickyAndZeroPercent) {
    core::Program program;
    program.id = NextId<core::ProgramId>();
    program.name = "Defaults";
    program.currency = core::Currency::FromTrusted("EUR");
    program.stages = core::DefaultStages();
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertProgram(program); }));

    auto got = Read([&](ports::StoreTx& tx) { return tx.GetProgram(program.id); });
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_TRUE(got->sticky_customers);
    EXPECT_EQ(got->commission.default_rule.kind, core::CommissionRule::Kind::kPercent);
    EXPECT_EQ(got->commission.default_rule.percent_bps, 0);
    EXPECT_EQ(got->commission.default_rule.flat_minor, 0);
    EXPECT_TRUE(got->commission.by_group.empty());
}

TEST_P(StoreConformanceTest, UnknownFunnelIdsAreNotFound) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto customer = CustomerOf(program, NextId<core::CustomerId>(), "1");
    const auto coupon = CouponOf(partner, NextId<core::CouponId>(), "x");
    const auto referral = ReferralOf(partner, customer, NextId<core::ReferralId>(), now_);
    const auto sale = SaleOf(program, NextId<core::ConversionId>(), "order-1", {});
    const std::tuple<const char*, std::function<core::Result<void>(ports::StoreTx&)>, std::string_view> cases[] = {
        {"GetCustomer", [&](ports::StoreTx& tx) { return Outcome(tx.GetCustomer(customer.id)); }, kCustomerNotFound},
        {"UpdateCustomer", [&](ports::StoreTx& tx) { return tx.UpdateCustomer(customer); }, kCustomerNotFound},
        {"GetCoupon", [&](ports::StoreTx& tx) { return Outcome(tx.GetCoupon(coupon.id)); }, kCouponNotFound},
        {"UpdateCoupon", [&](ports::StoreTx& tx) { return tx.UpdateCoupon(coupon); }, kCouponNotFound},
        {"GetReferral", [&](ports::StoreTx& tx) { return Outcome(tx.GetReferral(referral.id)); }, kReferralNotFound},
        {"UpdateReferral", [&](ports::StoreTx& tx) { return tx.UpdateReferral(referral); }, kReferralNotFound},
        {"GetConversion", [&](ports::StoreTx& tx) { return Outcome(tx.GetConversion(sale.id)); }, kConversionNotFound},
    };
    for (const auto& [name, call, message] : cases) {
        SCOPED_TRACE(name);
        ExpectFailure(Write(call), ErrorCode::kNotFound, message);
    }
    auto empty = Read([&](ports::StoreTx& tx) -> core::Result<std::string> {
        auto refunds = tx.ListRefundsOf(sale.id);
        auto commissions = tx.ListCommissionsOfConversion(sale.id);
        if (!refunds || !commissions) return core::Fail(core::Error::Internal("a list failed"));
        return std::to_string(refunds->size()) + " refunds, " + std::to_string(commissions->size()) + " commissions";
    });
    ASSERT_TRUE(empty) << empty.error().message();
    EXPECT_EQ(*empty, "0 refunds, 0 commissions") << "an unknown sale has empty lists, not an error";
}

TEST_P(StoreConformanceTest, FailingBodyKeepsNoFunnelRowAndFreesEveryKeyItTook) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    InsertChain(program, partner, MakeLink(partner));
    const auto customer = CustomerOf(program, NextId<core::CustomerId>(), "1");
    const auto coupon = CouponOf(partner, NextId<core::CouponId>(), "spring25");
    const auto referral = ReferralOf(partner, customer, NextId<core::ReferralId>(), now_);
    const auto sale = SaleOf(program, NextId<core::ConversionId>(), "order-1", {{partner.id, 1'000'000}});
    const auto commission = CommissionOf(sale, partner.id, NextId<core::CommissionId>(), 10);
    const auto record = RecordOf("scope", "key");
    auto body = [&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertCustomer(customer); !ok) return ok;
        if (auto ok = tx.InsertCoupon(coupon); !ok) return ok;
        if (auto ok = tx.InsertReferral(referral); !ok) return ok;
        if (auto ok = tx.InsertConversion(sale); !ok) return ok;
        if (auto ok = tx.InsertCommission(commission); !ok) return ok;
        return tx.InsertIdempotency(record);
    };

    ExpectFailure(Write([&](ports::StoreTx& tx) -> core::Result<void> {
                      if (auto ok = body(tx); !ok) return ok;
                      return core::Fail(core::Error::Invalid("amount", "the body gives up"));
                  }),
                  ErrorCode::kInvalid, "amount: the body gives up");

    auto state = Read([&](ports::StoreTx& tx) -> core::Result<std::string> {
        std::string out;
        out += tx.GetCustomer(customer.id) ? "customer kept; " : "";
        out +=
            tx.FindCustomerByExternalId(program.id, customer.external_id).value_or(std::nullopt) ? "external id; " : "";
        out += tx.GetCoupon(coupon.id) ? "coupon kept; " : "";
        out += tx.FindCouponByCode(program.id, coupon.code).value_or(std::nullopt) ? "coupon code; " : "";
        out += tx.GetReferral(referral.id) ? "referral kept; " : "";
        out += tx.GetConversion(sale.id) ? "conversion kept; " : "";
        auto credited = tx.ListConversions({{}, partner.id}, {});
        out += !credited || !credited->data.empty() ? "credit kept; " : "";
        auto commissions = tx.ListCommissions({}, {});
        out += !commissions || !commissions->data.empty() ? "commission kept; " : "";
        out += tx.FindIdempotency(record.scope, record.key).value_or(std::nullopt) ? "idempotency kept; " : "";
        return out;
    });
    ASSERT_TRUE(state) << state.error().message();
    EXPECT_EQ(*state, "");
    auto again = Write(body);
    EXPECT_TRUE(again) << "every id and key is free: " << again.error().message();
}

TEST_P(StoreConformanceTest, FunnelWritesInsideAReadTransactionAreRefused) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    InsertChain(program, partner, MakeLink(partner));
    const auto customer = CustomerOf(program, NextId<core::CustomerId>(), "1");
    const auto sale = SaleOf(program, NextId<core::ConversionId>(), "order-1", {{partner.id, 1'000'000}});
    const std::pair<const char*, std::function<core::Result<void>(ports::StoreTx&)>> writes[] = {
        {"InsertCustomer", [&](ports::StoreTx& tx) { return tx.InsertCustomer(customer); }},
        {"InsertCoupon",
         [&](ports::StoreTx& tx) { return tx.InsertCoupon(CouponOf(partner, NextId<core::CouponId>(), "c")); }},
        {"InsertConversion", [&](ports::StoreTx& tx) { return tx.InsertConversion(sale); }},
        {"InsertIdempotency", [&](ports::StoreTx& tx) { return tx.InsertIdempotency(RecordOf("s", "k")); }},
    };
    for (const auto& [name, write] : writes) {
        auto refused = store_->Transact(ports::TxMode::kRead, write);
        ASSERT_FALSE(refused) << name;
        EXPECT_EQ(refused.error().code(), ErrorCode::kInternal) << name;
    }
    auto conversion = Read([&](ports::StoreTx& tx) { return tx.FindConversionByExternalId(program.id, "order-1"); });
    ASSERT_TRUE(conversion);
    EXPECT_FALSE(conversion->has_value());
}

}  // namespace
}  // namespace rt::storage::testing
