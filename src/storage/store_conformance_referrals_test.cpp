// The storage conformance suite, funnel part 2: referrals, their stage history and value.

#include "storage/store_conformance_funnel.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage::testing {
namespace {

using core::ErrorCode;

core::PageRequest PageOf(int limit, std::string starting_after = {}) { return {limit, std::move(starting_after)}; }

TEST_P(StoreConformanceTest, ReferralRoundTripsEveryFieldWithAndWithoutTheOptionalOnes) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    InsertChain(program, partner, MakeLink(partner));
    const auto customer = CustomerOf(program, NextId<core::CustomerId>(), "1");
    const auto deal = ReferralOf(partner, customer, NextId<core::ReferralId>(), {1'795'000'100'000});
    auto lead = ReferralOf(partner, customer, NextId<core::ReferralId>(), {1'795'000'200'000});
    lead.source = core::ReferralSource::kApi;
    lead.click_id.clear();
    lead.coupon_code.clear();
    lead.stage = "new";
    lead.history = {{"", "new", lead.created_at}};
    lead.value.reset();
    auto zero = ReferralOf(partner, customer, NextId<core::ReferralId>(), {1'795'000'300'000});
    zero.source = core::ReferralSource::kClick;
    zero.history.clear();
    zero.value = core::Money{0, core::Currency::FromTrusted("EUR")};
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertCustomer(customer); !ok) return ok;
        for (const core::Referral& r : {deal, lead, zero}) {
            if (auto ok = tx.InsertReferral(r); !ok) return ok;
        }
        return {};
    }));

    for (const auto& want : {deal, lead, zero}) {
        auto got = Read([&](ports::StoreTx& tx) { return tx.GetReferral(want.id); });
        ASSERT_TRUE(got) << got.error().message();
        EXPECT_EQ(Describe(*got), Describe(want));
        EXPECT_TRUE(*got == want);
    }
}

TEST_P(StoreConformanceTest, UpdateReferralChangesStageHistoryValueAndUpdatedAtOnly) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto other_partner = MakePartner(program);
    InsertChain(program, partner, MakeLink(partner));
    const auto customer = CustomerOf(program, NextId<core::CustomerId>(), "1");
    const auto original = ReferralOf(partner, customer, NextId<core::ReferralId>(), {1'795'000'100'000});
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertPartner(other_partner); !ok) return ok;
        if (auto ok = tx.InsertCustomer(customer); !ok) return ok;
        return tx.InsertReferral(original);
    }));

    auto changed = original;
    changed.partner_id = other_partner.id;
    changed.customer_id = NextId<core::CustomerId>();
    changed.program_id = MakeProgram().id;
    changed.source = core::ReferralSource::kPartner;
    changed.click_id = "changed";
    changed.coupon_code = "changed";
    changed.created_at = {1};
    changed.stage = "lost";
    changed.history.push_back({"won", "lost", {original.updated_at.unix_ms + 5}});
    changed.value.reset();
    changed.updated_at = {original.updated_at.unix_ms + 5};
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.UpdateReferral(changed); }));

    auto want = original;
    want.stage = changed.stage;
    want.history = changed.history;
    want.value.reset();
    want.updated_at = changed.updated_at;
    auto got = Read([&](ports::StoreTx& tx) { return tx.GetReferral(original.id); });
    ASSERT_TRUE(got);
    EXPECT_EQ(Describe(*got), Describe(want));

    want.value = core::Money{-5, core::Currency::FromTrusted("KWD")};
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.UpdateReferral(want); }));
    got = Read([&](ports::StoreTx& tx) { return tx.GetReferral(original.id); });
    ASSERT_TRUE(got);
    EXPECT_EQ(Describe(*got), Describe(want)) << "a value can be set again";
}

TEST_P(StoreConformanceTest, ReferralIdIsUniqueAndItsPartnerAndCustomerMustBeInItsProgram) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto other_program = MakeProgram();
    const auto other_partner = MakePartner(other_program);
    InsertChain(program, partner, MakeLink(partner));
    InsertChain(other_program, other_partner, MakeLink(other_partner));
    const auto customer = CustomerOf(program, NextId<core::CustomerId>(), "1");
    const auto other_customer = CustomerOf(other_program, NextId<core::CustomerId>(), "2");
    const auto referral = ReferralOf(partner, customer, NextId<core::ReferralId>(), now_);
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertCustomer(customer); !ok) return ok;
        if (auto ok = tx.InsertCustomer(other_customer); !ok) return ok;
        return tx.InsertReferral(referral);
    }));

    ExpectFailure(
        Write([&](ports::StoreTx& tx) { return tx.InsertReferral(ReferralOf(partner, customer, referral.id, now_)); }),
        ErrorCode::kConflict, kReferralIdTaken);
    const std::pair<const char*, core::Referral> refused[] = {
        {"partner of another program", ReferralOf(other_partner, customer, NextId<core::ReferralId>(), now_)},
        {"customer of another program", ReferralOf(partner, other_customer, NextId<core::ReferralId>(), now_)},
        {"unknown partner", ReferralOf(MakePartner(program), customer, NextId<core::ReferralId>(), now_)},
        {"unknown customer",
         ReferralOf(partner, CustomerOf(program, NextId<core::CustomerId>(), "3"), NextId<core::ReferralId>(), now_)},
    };
    for (const auto& [name, r] : refused) {
        SCOPED_TRACE(name);
        ExpectFailure(Write([&](ports::StoreTx& tx) { return tx.InsertReferral(r); }), ErrorCode::kNotFound,
                      kReferralOwnersMissing);
    }
}

TEST_P(StoreConformanceTest, ReferralPagesAreNewestFirstAndFilterByProgramAndPartner) {
    const auto program = MakeProgram();
    const auto a = MakePartner(program);
    const auto b = MakePartner(program);
    const auto other_program = MakeProgram();
    const auto c = MakePartner(other_program);
    InsertChain(program, a, MakeLink(a));
    InsertChain(other_program, c, MakeLink(c));
    const auto customer = CustomerOf(program, NextId<core::CustomerId>(), "1");
    const auto other_customer = CustomerOf(other_program, NextId<core::CustomerId>(), "2");
    std::vector<core::Referral> referrals;
    for (const auto* owner : {&a, &b, &c, &a, &a}) {
        const auto& who = owner == &c ? other_customer : customer;
        referrals.push_back(ReferralOf(*owner, who, NextId<core::ReferralId>(), now_));
    }
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertPartner(b); !ok) return ok;
        if (auto ok = tx.InsertCustomer(customer); !ok) return ok;
        if (auto ok = tx.InsertCustomer(other_customer); !ok) return ok;
        for (auto it = referrals.rbegin(); it != referrals.rend(); ++it) {
            if (auto ok = tx.InsertReferral(*it); !ok) return ok;
        }
        return {};
    }));
    auto id = [&](int i) { return referrals[i].id.str(); };

    struct Case {
        ports::FunnelFilter filter;
        core::PageRequest page;
        std::vector<std::string> want;
        bool has_more;
    };
    const Case cases[] = {
        {{}, PageOf(3), {id(4), id(3), id(2)}, true},
        {{}, PageOf(3, id(2)), {id(1), id(0)}, false},
        {{program.id, {}}, PageOf(10), {id(4), id(3), id(1), id(0)}, false},
        {{program.id, a.id}, PageOf(2), {id(4), id(3)}, true},
        {{program.id, a.id}, PageOf(2, id(3)), {id(0)}, false},
        {{{}, c.id}, PageOf(10), {id(2)}, false},
        {{other_program.id, b.id}, PageOf(10), {}, false},
    };
    for (const auto& k : cases) {
        auto page = Read([&](ports::StoreTx& tx) { return tx.ListReferrals(k.filter, k.page); });
        ASSERT_TRUE(page) << page.error().message();
        EXPECT_EQ(Ids(*page), k.want) << "after=" << k.page.starting_after;
        EXPECT_EQ(page->has_more, k.has_more) << "after=" << k.page.starting_after;
    }
    auto first = Read([&](ports::StoreTx& tx) { return tx.ListReferrals({}, PageOf(1)); });
    ASSERT_TRUE(first && first->data.size() == 1);
    EXPECT_EQ(Describe(first->data[0]), Describe(referrals[4])) << "lists return whole objects";
}

// "Newest" is by created_at (the referral's own time), ties broken by the larger id; `since` is inclusive.
TEST_P(StoreConformanceTest, FindReferralOfCustomerIsTheNewestCreatedAtOrAfterSince) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto other_program = MakeProgram();
    InsertChain(program, partner, MakeLink(partner));
    const auto customer = CustomerOf(program, NextId<core::CustomerId>(), "1");
    const auto neighbour = CustomerOf(program, NextId<core::CustomerId>(), "2");
    const core::TimePoint t{1'795'000'500'000};
    // By id, `older` is the newest of the two; by created_at, `newer` is.
    const auto newer = ReferralOf(partner, customer, NextId<core::ReferralId>(), {t.unix_ms + 10});
    const auto older = ReferralOf(partner, customer, NextId<core::ReferralId>(), t);
    const auto neighbours = ReferralOf(partner, neighbour, NextId<core::ReferralId>(), {t.unix_ms + 99});
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertProgram(other_program); !ok) return ok;
        if (auto ok = tx.InsertCustomer(customer); !ok) return ok;
        if (auto ok = tx.InsertCustomer(neighbour); !ok) return ok;
        for (const auto* r : {&newer, &older, &neighbours}) {
            if (auto ok = tx.InsertReferral(*r); !ok) return ok;
        }
        return {};
    }));
    auto find = [&](const core::ProgramId& program_id, core::TimePoint since) {
        auto found =
            Read([&](ports::StoreTx& tx) { return tx.FindReferralOfCustomer(program_id, customer.id, since); });
        EXPECT_TRUE(found) << found.error().message();
        return found && found->has_value() ? Describe(**found) : std::string("(none)");
    };

    EXPECT_EQ(find(program.id, {0}), Describe(newer));
    EXPECT_EQ(find(program.id, t), Describe(newer));
    EXPECT_EQ(find(program.id, {t.unix_ms + 10}), Describe(newer)) << "since equal to created_at is included";
    EXPECT_EQ(find(program.id, {t.unix_ms + 11}), "(none)");
    EXPECT_EQ(find(other_program.id, {0}), "(none)") << "the customer is not in that program";

    const auto tie = ReferralOf(partner, customer, NextId<core::ReferralId>(), newer.created_at);
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertReferral(tie); }));
    EXPECT_EQ(find(program.id, t), Describe(tie)) << "equal created_at: the larger id";
}

}  // namespace
}  // namespace rt::storage::testing
