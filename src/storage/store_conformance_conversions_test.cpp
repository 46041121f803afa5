// The storage conformance suite, funnel part 3: conversions (sales, refunds, attribution) and commissions.

#include "storage/store_conformance_funnel.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage::testing {
namespace {

using core::ErrorCode;

core::PageRequest PageOf(int limit, std::string starting_after = {}) { return {limit, std::move(starting_after)}; }

// Inserts every conversion in `conversions` in one write transaction; fails the test on error.
void InsertConversions(ports::Store& store, const std::vector<core::Conversion>& conversions) {
    auto done = store.Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<void> {
        for (const auto& c : conversions) {
            if (auto ok = tx.InsertConversion(c); !ok) return ok;
        }
        return {};
    });
    ASSERT_TRUE(done) << done.error().message();
}

TEST_P(StoreConformanceTest, ConversionRoundTripsEveryFieldByIdAndExternalId) {
    const auto program = MakeProgram();
    const auto a = MakePartner(program);
    const auto b = MakePartner(program);
    InsertChain(program, a, MakeLink(a));
    const auto customer = CustomerOf(program, NextId<core::CustomerId>(), "1");
    const auto referral = ReferralOf(a, customer, NextId<core::ReferralId>(), now_);
    auto sale = SaleOf(program, NextId<core::ConversionId>(), "order-1", {{a.id, 600'000}, {b.id, 400'000}});
    sale.referral_id = referral.id;
    sale.customer_id = customer.id;
    auto unattributed = SaleOf(program, NextId<core::ConversionId>(), "order-2", {});
    unattributed.click_id.clear();
    unattributed.coupon_code.clear();
    const auto refund = RefundOf(sale, NextId<core::ConversionId>(), "refund-1", 1'000);
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertPartner(b); !ok) return ok;
        if (auto ok = tx.InsertCustomer(customer); !ok) return ok;
        return tx.InsertReferral(referral);
    }));
    InsertConversions(*store_, {sale, unattributed, refund});

    for (const auto& want : {sale, unattributed, refund}) {
        auto by_id = Read([&](ports::StoreTx& tx) { return tx.GetConversion(want.id); });
        ASSERT_TRUE(by_id) << by_id.error().message();
        EXPECT_EQ(Describe(*by_id), Describe(want));
        EXPECT_TRUE(*by_id == want);
        auto by_external =
            Read([&](ports::StoreTx& tx) { return tx.FindConversionByExternalId(program.id, want.external_id); });
        ASSERT_TRUE(by_external && by_external->has_value());
        EXPECT_EQ(Describe(**by_external), Describe(want));
    }
    auto elsewhere =
        Read([&](ports::StoreTx& tx) { return tx.FindConversionByExternalId(MakeProgram().id, "order-1"); });
    ASSERT_TRUE(elsewhere);
    EXPECT_FALSE(elsewhere->has_value());
}

TEST_P(StoreConformanceTest, ConversionExternalIdIsUniqueWithinItsProgramOnly) {
    const auto program = MakeProgram();
    const auto other_program = MakeProgram();
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertProgram(program); !ok) return ok;
        return tx.InsertProgram(other_program);
    }));
    const auto sale = SaleOf(program, NextId<core::ConversionId>(), "order-1", {});
    InsertConversions(*store_, {sale});

    ExpectFailure(Write([&](ports::StoreTx& tx) {
                      return tx.InsertConversion(SaleOf(program, NextId<core::ConversionId>(), "order-1", {}));
                  }),
                  ErrorCode::kConflict, kConversionExternalIdTaken);
    ExpectFailure(
        Write([&](ports::StoreTx& tx) { return tx.InsertConversion(SaleOf(program, sale.id, "order-2", {})); }),
        ErrorCode::kConflict, kConversionIdTaken);
    auto done = Write([&](ports::StoreTx& tx) {
        return tx.InsertConversion(SaleOf(other_program, NextId<core::ConversionId>(), "order-1", {}));
    });
    EXPECT_TRUE(done) << done.error().message();
}

// A refused conversion leaves nothing behind, not even the partners it credits, while the rest of the body
// commits.
TEST_P(StoreConformanceTest, ConversionOfAnUnknownProgramOrCreditingAStrangerIsRefusedWhole) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto other_program = MakeProgram();
    const auto outsider = MakePartner(other_program);
    InsertChain(program, partner, MakeLink(partner));
    InsertChain(other_program, outsider, MakeLink(outsider));

    ExpectFailure(Write([&](ports::StoreTx& tx) {
                      return tx.InsertConversion(SaleOf(MakeProgram(), NextId<core::ConversionId>(), "x", {}));
                  }),
                  ErrorCode::kNotFound, kConversionProgramMissing);
    const auto stranger =
        SaleOf(program, NextId<core::ConversionId>(), "order-1", {{partner.id, 500'000}, {outsider.id, 500'000}});
    const auto kept = SaleOf(program, NextId<core::ConversionId>(), "order-2", {{partner.id, 1'000'000}});
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        auto refused = tx.InsertConversion(stranger);
        if (refused || refused.error().message() != kConversionCreditMissing) {
            return core::Fail(core::Error::Internal("the stranger was credited"));
        }
        return tx.InsertConversion(kept);
    }));

    auto by_external = Read([&](ports::StoreTx& tx) { return tx.FindConversionByExternalId(program.id, "order-1"); });
    ASSERT_TRUE(by_external);
    EXPECT_FALSE(by_external->has_value());
    auto credited = Read([&](ports::StoreTx& tx) { return tx.ListConversions({{}, partner.id}, PageOf(10)); });
    ASSERT_TRUE(credited);
    EXPECT_EQ(Ids(*credited), std::vector<std::string>{kept.id.str()});
    auto retry = Write([&](ports::StoreTx& tx) {
        auto fixed = stranger;
        fixed.attribution.credits.pop_back();
        return tx.InsertConversion(fixed);
    });
    EXPECT_TRUE(retry) << "the refused id and external id are free: " << retry.error().message();

    // The row's own refusals come before a stranger's credit, on every store.
    ExpectFailure(Write([&](ports::StoreTx& tx) {
                      return tx.InsertConversion(
                          SaleOf(MakeProgram(), NextId<core::ConversionId>(), "y", {{outsider.id, 1'000'000}}));
                  }),
                  ErrorCode::kNotFound, kConversionProgramMissing);
    ExpectFailure(Write([&](ports::StoreTx& tx) {
                      return tx.InsertConversion(
                          SaleOf(program, NextId<core::ConversionId>(), "order-2", {{outsider.id, 1'000'000}}));
                  }),
                  ErrorCode::kConflict, kConversionExternalIdTaken);
}

TEST_P(StoreConformanceTest, ConversionPagesAreNewestFirstAndFilterByProgramAndCreditedPartner) {
    const auto program = MakeProgram();
    const auto a = MakePartner(program);
    const auto b = MakePartner(program);
    const auto other_program = MakeProgram();
    const auto c = MakePartner(other_program);
    InsertChain(program, a, MakeLink(a));
    InsertChain(other_program, c, MakeLink(c));
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertPartner(b); }));
    using Credits = std::vector<std::pair<core::PartnerId, std::int64_t>>;
    const Credits credits[] = {
        {{a.id, 1'000'000}}, {{b.id, 1'000'000}}, {{b.id, 700'000}, {a.id, 300'000}}, {}, {{a.id, 1'000'000}},
    };
    std::vector<core::Conversion> conversions;
    for (const auto& cr : credits) {
        conversions.push_back(
            SaleOf(program, NextId<core::ConversionId>(), "o" + std::to_string(conversions.size()), cr));
    }
    conversions.push_back(SaleOf(other_program, NextId<core::ConversionId>(), "o", {{c.id, 1'000'000}}));
    InsertConversions(*store_, {conversions.rbegin(), conversions.rend()});
    auto id = [&](int i) { return conversions[i].id.str(); };

    struct Case {
        ports::FunnelFilter filter;
        core::PageRequest page;
        std::vector<std::string> want;
        bool has_more;
    };
    const Case cases[] = {
        {{}, PageOf(4), {id(5), id(4), id(3), id(2)}, true},
        {{program.id, {}}, PageOf(10), {id(4), id(3), id(2), id(1), id(0)}, false},
        {{program.id, a.id}, PageOf(2), {id(4), id(2)}, true},
        {{program.id, a.id}, PageOf(2, id(2)), {id(0)}, false},
        {{{}, b.id}, PageOf(10), {id(2), id(1)}, false},
        {{{}, b.id}, PageOf(1), {id(2)}, true},
        {{{}, c.id}, PageOf(10), {id(5)}, false},
        {{other_program.id, a.id}, PageOf(10), {}, false},
    };
    for (const auto& k : cases) {
        auto page = Read([&](ports::StoreTx& tx) { return tx.ListConversions(k.filter, k.page); });
        ASSERT_TRUE(page) << page.error().message();
        EXPECT_EQ(Ids(*page), k.want) << "after=" << k.page.starting_after;
        EXPECT_EQ(page->has_more, k.has_more) << "after=" << k.page.starting_after;
    }
    auto shared = Read([&](ports::StoreTx& tx) { return tx.ListConversions({{}, a.id}, PageOf(2, id(4))); });
    ASSERT_TRUE(shared && !shared->data.empty());
    EXPECT_EQ(Describe(shared->data[0]), Describe(conversions[2])) << "lists return whole objects";
}

TEST_P(StoreConformanceTest, ListRefundsOfIsTheSalesRefundsOldestFirst) {
    const auto program = MakeProgram();
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertProgram(program); }));
    const auto sale = SaleOf(program, NextId<core::ConversionId>(), "order-1", {});
    const auto other_sale = SaleOf(program, NextId<core::ConversionId>(), "order-2", {});
    const auto first = RefundOf(sale, NextId<core::ConversionId>(), "refund-1", 100);
    const auto others = RefundOf(other_sale, NextId<core::ConversionId>(), "refund-2", 200);
    const auto second = RefundOf(sale, NextId<core::ConversionId>(), "refund-3", 300);
    InsertConversions(*store_, {sale, other_sale, second, others, first});

    auto refunds = Read([&](ports::StoreTx& tx) { return tx.ListRefundsOf(sale.id); });
    ASSERT_TRUE(refunds) << refunds.error().message();
    EXPECT_EQ(Describe(*refunds), Describe(std::vector{first, second}));
    auto none = Read([&](ports::StoreTx& tx) { return tx.ListRefundsOf(first.id); });
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
}

TEST_P(StoreConformanceTest, CommissionRoundTripsEveryFieldAndListsOfAConversionOldestFirst) {
    const auto program = MakeProgram();
    const auto a = MakePartner(program);
    const auto b = MakePartner(program);
    InsertChain(program, a, MakeLink(a));
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertPartner(b); }));
    const auto sale = SaleOf(program, NextId<core::ConversionId>(), "order-1", {{a.id, 500'000}, {b.id, 500'000}});
    const auto refund = RefundOf(sale, NextId<core::ConversionId>(), "refund-1", 5'000);
    InsertConversions(*store_, {sale, refund});
    const auto to_a = CommissionOf(sale, a.id, NextId<core::CommissionId>(), 2'469);
    auto to_b = CommissionOf(sale, b.id, NextId<core::CommissionId>(), 2'469);
    to_b.status = core::CommissionStatus::kPaid;
    auto reversal = CommissionOf(refund, a.id, NextId<core::CommissionId>(), -125);
    reversal.status = core::CommissionStatus::kReversed;
    reversal.reverses = to_a.id;
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        for (const core::Commission* c : std::initializer_list<const core::Commission*>{&reversal, &to_b, &to_a}) {
            if (auto ok = tx.InsertCommission(*c); !ok) return ok;
        }
        return {};
    }));

    auto of_sale = Read([&](ports::StoreTx& tx) { return tx.ListCommissionsOfConversion(sale.id); });
    ASSERT_TRUE(of_sale) << of_sale.error().message();
    EXPECT_EQ(Describe(*of_sale), Describe(std::vector{to_a, to_b}));
    auto of_refund = Read([&](ports::StoreTx& tx) { return tx.ListCommissionsOfConversion(refund.id); });
    ASSERT_TRUE(of_refund);
    ASSERT_EQ(of_refund->size(), 1u);
    EXPECT_EQ(Describe(of_refund->front()), Describe(reversal));
    EXPECT_TRUE(of_refund->front() == reversal);
}

TEST_P(StoreConformanceTest, CommissionPagesAreNewestFirstAndFilterByProgramAndPartner) {
    const auto program = MakeProgram();
    const auto a = MakePartner(program);
    const auto b = MakePartner(program);
    const auto other_program = MakeProgram();
    const auto c = MakePartner(other_program);
    InsertChain(program, a, MakeLink(a));
    InsertChain(other_program, c, MakeLink(c));
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertPartner(b); }));
    const auto sale = SaleOf(program, NextId<core::ConversionId>(), "order-1", {{a.id, 500'000}, {b.id, 500'000}});
    const auto other_sale = SaleOf(other_program, NextId<core::ConversionId>(), "order-1", {{c.id, 1'000'000}});
    InsertConversions(*store_, {sale, other_sale});
    std::vector<core::Commission> commissions;
    for (const auto* partner : {&a, &b, &a, &c, &a}) {
        const auto& of = partner == &c ? other_sale : sale;
        commissions.push_back(CommissionOf(of, partner->id, NextId<core::CommissionId>(), 100));
    }
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        for (auto it = commissions.rbegin(); it != commissions.rend(); ++it) {
            if (auto ok = tx.InsertCommission(*it); !ok) return ok;
        }
        return {};
    }));
    auto id = [&](int i) { return commissions[i].id.str(); };

    struct Case {
        ports::FunnelFilter filter;
        core::PageRequest page;
        std::vector<std::string> want;
        bool has_more;
    };
    const Case cases[] = {
        {{}, PageOf(10), {id(4), id(3), id(2), id(1), id(0)}, false},
        {{program.id, {}}, PageOf(3), {id(4), id(2), id(1)}, true},
        {{{}, a.id}, PageOf(2), {id(4), id(2)}, true},
        {{{}, a.id}, PageOf(2, id(2)), {id(0)}, false},
        {{program.id, b.id}, PageOf(10), {id(1)}, false},
        {{other_program.id, a.id}, PageOf(10), {}, false},
    };
    for (const auto& k : cases) {
        auto page = Read([&](ports::StoreTx& tx) { return tx.ListCommissions(k.filter, k.page); });
        ASSERT_TRUE(page) << page.error().message();
        EXPECT_EQ(Ids(*page), k.want) << "after=" << k.page.starting_after;
        EXPECT_EQ(page->has_more, k.has_more) << "after=" << k.page.starting_after;
    }
}

TEST_P(StoreConformanceTest, CommissionIdIsUniqueAndItsConversionAndPartnerMustBeInItsProgram) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto other_program = MakeProgram();
    const auto outsider = MakePartner(other_program);
    InsertChain(program, partner, MakeLink(partner));
    InsertChain(other_program, outsider, MakeLink(outsider));
    const auto bystander = MakePartner(program);
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertPartner(bystander); }));
    const auto sale = SaleOf(program, NextId<core::ConversionId>(), "order-1", {{partner.id, 1'000'000}});
    const auto other_sale = SaleOf(other_program, NextId<core::ConversionId>(), "order-1", {{outsider.id, 1'000'000}});
    InsertConversions(*store_, {sale, other_sale});
    const auto commission = CommissionOf(sale, partner.id, NextId<core::CommissionId>(), 10);
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertCommission(commission); }));

    ExpectFailure(Write([&](ports::StoreTx& tx) {
                      return tx.InsertCommission(CommissionOf(sale, partner.id, commission.id, 1));
                  }),
                  ErrorCode::kConflict, kCommissionIdTaken);
    auto misfiled = CommissionOf(sale, partner.id, NextId<core::CommissionId>(), 1);
    misfiled.conversion_id = other_sale.id;
    const std::pair<const char*, core::Commission> refused[] = {
        {"partner of another program", CommissionOf(sale, outsider.id, NextId<core::CommissionId>(), 1)},
        {"conversion of another program", misfiled},
        {"unknown partner", CommissionOf(sale, MakePartner(program).id, NextId<core::CommissionId>(), 1)},
        {"unknown conversion", CommissionOf(SaleOf(program, NextId<core::ConversionId>(), "x", {}), partner.id,
                                            NextId<core::CommissionId>(), 1)},
    };
    for (const auto& [name, c] : refused) {
        SCOPED_TRACE(name);
        ExpectFailure(Write([&](ports::StoreTx& tx) { return tx.InsertCommission(c); }), ErrorCode::kNotFound,
                      kCommissionOwnersMissing);
    }
    // A partner of the program that the sale does not credit earns nothing on it.
    ExpectFailure(Write([&](ports::StoreTx& tx) {
                      return tx.InsertCommission(CommissionOf(sale, bystander.id, NextId<core::CommissionId>(), 1));
                  }),
                  ErrorCode::kNotFound, kCommissionPartnerNotCredited);
    ExpectFailure(Write([&](ports::StoreTx& tx) {
                      return tx.InsertCommission(CommissionOf(sale, bystander.id, commission.id, 1));
                  }),
                  ErrorCode::kConflict, kCommissionIdTaken);
    auto listed = Read([&](ports::StoreTx& tx) { return tx.ListCommissions({}, PageOf(10)); });
    ASSERT_TRUE(listed) << listed.error().message();
    EXPECT_EQ(Ids(*listed), std::vector<std::string>{commission.id.str()}) << "a refused commission is not written";
}

}  // namespace
}  // namespace rt::storage::testing
