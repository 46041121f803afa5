// The storage conformance suite, funnel part 1: customers and coupons.

#include "storage/store_conformance_funnel.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage::testing {
namespace {

using core::ErrorCode;

core::PageRequest PageOf(int limit, std::string starting_after = {}) { return {limit, std::move(starting_after)}; }

TEST_P(StoreConformanceTest, CustomerRoundTripsEveryFieldByIdExternalIdAndEmailHash) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    InsertChain(program, partner, MakeLink(partner));
    auto full = CustomerOf(program, NextId<core::CustomerId>(), "1");
    full.credited_partner = partner.id;
    auto bare = CustomerOf(program, NextId<core::CustomerId>(), "2");
    bare.external_id.clear();
    bare.email_hash.clear();
    bare.email_sealed.clear();
    bare.name_sealed.clear();
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertCustomer(full); !ok) return ok;
        return tx.InsertCustomer(bare);
    }));

    for (const auto& want : {full, bare}) {
        auto got = Read([&](ports::StoreTx& tx) { return tx.GetCustomer(want.id); });
        ASSERT_TRUE(got) << got.error().message();
        EXPECT_EQ(Describe(*got), Describe(want));
        EXPECT_TRUE(*got == want);
    }
    auto by_external = Read([&](ports::StoreTx& tx) { return tx.FindCustomerByExternalId(program.id, "crm-1"); });
    ASSERT_TRUE(by_external) << by_external.error().message();
    ASSERT_TRUE(by_external->has_value());
    EXPECT_EQ(Describe(**by_external), Describe(full));
    auto by_email = Read([&](ports::StoreTx& tx) { return tx.FindCustomerByEmailHash(program.id, full.email_hash); });
    ASSERT_TRUE(by_email) << by_email.error().message();
    ASSERT_TRUE(by_email->has_value());
    EXPECT_EQ(Describe(**by_email), Describe(full));
}

TEST_P(StoreConformanceTest, FindCustomerIsScopedToItsProgramAndNeverMatchesAnEmptyValue) {
    const auto program = MakeProgram();
    const auto other_program = MakeProgram();
    auto bare = CustomerOf(program, NextId<core::CustomerId>(), "1");
    bare.external_id.clear();
    bare.email_hash.clear();
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertProgram(program); !ok) return ok;
        if (auto ok = tx.InsertProgram(other_program); !ok) return ok;
        if (auto ok = tx.InsertCustomer(CustomerOf(program, NextId<core::CustomerId>(), "2")); !ok) return ok;
        return tx.InsertCustomer(bare);
    }));

    const std::pair<const char*, std::function<core::Result<std::optional<core::Customer>>(ports::StoreTx&)>> cases[] =
        {
            {"other program's external id",
             [&](ports::StoreTx& tx) { return tx.FindCustomerByExternalId(other_program.id, "crm-2"); }},
            {"other program's email",
             [&](ports::StoreTx& tx) {
                 return tx.FindCustomerByEmailHash(other_program.id, std::string(56, 'e') + "hash2");
             }},
            {"unknown external id",
             [&](ports::StoreTx& tx) { return tx.FindCustomerByExternalId(program.id, "crm-3"); }},
            {"empty external id", [&](ports::StoreTx& tx) { return tx.FindCustomerByExternalId(program.id, ""); }},
            {"empty email hash", [&](ports::StoreTx& tx) { return tx.FindCustomerByEmailHash(program.id, ""); }},
        };
    for (const auto& [name, find] : cases) {
        auto found = Read(find);
        ASSERT_TRUE(found) << name << ": " << found.error().message();
        EXPECT_FALSE(found->has_value()) << name;
    }
}

TEST_P(StoreConformanceTest, CustomerExternalIdAndEmailHashAreUniqueWithinTheirProgramOnly) {
    const auto program = MakeProgram();
    const auto other_program = MakeProgram();
    const auto first = CustomerOf(program, NextId<core::CustomerId>(), "1");
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertProgram(program); !ok) return ok;
        if (auto ok = tx.InsertProgram(other_program); !ok) return ok;
        return tx.InsertCustomer(first);
    }));

    auto same_external = CustomerOf(program, NextId<core::CustomerId>(), "2");
    same_external.external_id = first.external_id;
    ExpectFailure(Write([&](ports::StoreTx& tx) { return tx.InsertCustomer(same_external); }), ErrorCode::kConflict,
                  kCustomerExternalIdTaken);
    auto same_email = CustomerOf(program, NextId<core::CustomerId>(), "3");
    same_email.email_hash = first.email_hash;
    ExpectFailure(Write([&](ports::StoreTx& tx) { return tx.InsertCustomer(same_email); }), ErrorCode::kConflict,
                  kCustomerEmailTaken);
    auto twin = CustomerOf(program, first.id, "4");
    ExpectFailure(Write([&](ports::StoreTx& tx) { return tx.InsertCustomer(twin); }), ErrorCode::kConflict,
                  kCustomerIdTaken);

    auto elsewhere = CustomerOf(other_program, NextId<core::CustomerId>(), "1");
    auto done = Write([&](ports::StoreTx& tx) { return tx.InsertCustomer(elsewhere); });
    EXPECT_TRUE(done) << "same external id and email in another program: " << done.error().message();
}

TEST_P(StoreConformanceTest, CustomersWithEmptyExternalIdAndEmailHashDoNotConflict) {
    const auto program = MakeProgram();
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertProgram(program); }));
    for (int i = 0; i < 3; ++i) {
        auto anonymous = CustomerOf(program, NextId<core::CustomerId>(), std::to_string(i));
        anonymous.external_id.clear();
        anonymous.email_hash.clear();
        auto done = Write([&](ports::StoreTx& tx) { return tx.InsertCustomer(anonymous); });
        EXPECT_TRUE(done) << i << ": " << done.error().message();
    }
}

TEST_P(StoreConformanceTest, CustomerOfAnUnknownProgramIsRefused) {
    const auto program = MakeProgram();  // never inserted
    ExpectFailure(Write([&](ports::StoreTx& tx) {
                      return tx.InsertCustomer(CustomerOf(program, NextId<core::CustomerId>(), "1"));
                  }),
                  ErrorCode::kNotFound, kCustomerProgramMissing);
}

TEST_P(StoreConformanceTest, UpdateCustomerReplacesItsFieldsKeepsItsProgramAndFreesItsOldKeys) {
    const auto program = MakeProgram();
    const auto other_program = MakeProgram();
    const auto partner = MakePartner(program);
    InsertChain(program, partner, MakeLink(partner));
    const auto original = CustomerOf(program, NextId<core::CustomerId>(), "1");
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertProgram(other_program); !ok) return ok;
        return tx.InsertCustomer(original);
    }));

    auto changed = original;
    changed.program_id = other_program.id;
    changed.external_id = "crm-renamed";
    changed.email_hash = "renamed-hash";
    changed.email_sealed = "bmV3IGVtYWls";
    changed.name_sealed = "";
    changed.credited_partner = partner.id;
    changed.created_at = {1};
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.UpdateCustomer(changed); }));

    auto want = changed;
    want.program_id = original.program_id;
    want.created_at = original.created_at;
    auto got = Read([&](ports::StoreTx& tx) { return tx.FindCustomerByExternalId(program.id, "crm-renamed"); });
    ASSERT_TRUE(got && got->has_value());
    EXPECT_EQ(Describe(**got), Describe(want));
    auto old_key = Read([&](ports::StoreTx& tx) { return tx.FindCustomerByExternalId(program.id, "crm-1"); });
    ASSERT_TRUE(old_key);
    EXPECT_FALSE(old_key->has_value());

    auto reuse = CustomerOf(program, NextId<core::CustomerId>(), "1");
    auto done = Write([&](ports::StoreTx& tx) { return tx.InsertCustomer(reuse); });
    EXPECT_TRUE(done) << "the old external id and email hash are free again: " << done.error().message();

    want.credited_partner.reset();
    want.external_id.clear();
    want.email_hash.clear();
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.UpdateCustomer(want); }));
    auto cleared = Read([&](ports::StoreTx& tx) { return tx.GetCustomer(want.id); });
    ASSERT_TRUE(cleared);
    EXPECT_EQ(Describe(*cleared), Describe(want));
}

TEST_P(StoreConformanceTest, UpdateCustomerToATakenKeyConflictsAndChangesNothing) {
    const auto program = MakeProgram();
    const auto first = CustomerOf(program, NextId<core::CustomerId>(), "1");
    const auto second = CustomerOf(program, NextId<core::CustomerId>(), "2");
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertProgram(program); !ok) return ok;
        if (auto ok = tx.InsertCustomer(first); !ok) return ok;
        return tx.InsertCustomer(second);
    }));

    auto external = second;
    external.external_id = first.external_id;
    external.name_sealed = "changed";
    ExpectFailure(Write([&](ports::StoreTx& tx) { return tx.UpdateCustomer(external); }), ErrorCode::kConflict,
                  kCustomerExternalIdTaken);
    auto email = second;
    email.email_hash = first.email_hash;
    email.external_id = "crm-fresh";
    ExpectFailure(Write([&](ports::StoreTx& tx) { return tx.UpdateCustomer(email); }), ErrorCode::kConflict,
                  kCustomerEmailTaken);

    auto stored = Read([&](ports::StoreTx& tx) { return tx.GetCustomer(second.id); });
    ASSERT_TRUE(stored);
    EXPECT_EQ(Describe(*stored), Describe(second));
    auto fresh = Read([&](ports::StoreTx& tx) { return tx.FindCustomerByExternalId(program.id, "crm-fresh"); });
    ASSERT_TRUE(fresh);
    EXPECT_FALSE(fresh->has_value()) << "the refused update left no index entry behind";
}

TEST_P(StoreConformanceTest, CouponRoundTripsEveryFieldByIdAndByCode) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    InsertChain(program, partner, MakeLink(partner));
    const auto coupon = CouponOf(partner, NextId<core::CouponId>(), "spring25");
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertCoupon(coupon); }));

    auto by_id = Read([&](ports::StoreTx& tx) { return tx.GetCoupon(coupon.id); });
    ASSERT_TRUE(by_id) << by_id.error().message();
    EXPECT_EQ(Describe(*by_id), Describe(coupon));
    EXPECT_TRUE(*by_id == coupon);
    auto by_code = Read([&](ports::StoreTx& tx) { return tx.FindCouponByCode(program.id, "spring25"); });
    ASSERT_TRUE(by_code && by_code->has_value());
    EXPECT_EQ(Describe(**by_code), Describe(coupon));
    auto other_program = Read([&](ports::StoreTx& tx) { return tx.FindCouponByCode(MakeProgram().id, "spring25"); });
    ASSERT_TRUE(other_program);
    EXPECT_FALSE(other_program->has_value());
}

TEST_P(StoreConformanceTest, CouponCodeIsUniqueWithinItsProgramOnly) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto other_program = MakeProgram();
    const auto other_partner = MakePartner(other_program);
    InsertChain(program, partner, MakeLink(partner));
    InsertChain(other_program, other_partner, MakeLink(other_partner));
    const auto coupon = CouponOf(partner, NextId<core::CouponId>(), "spring25");
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertCoupon(coupon); }));

    ExpectFailure(Write([&](ports::StoreTx& tx) {
                      return tx.InsertCoupon(CouponOf(partner, NextId<core::CouponId>(), "spring25"));
                  }),
                  ErrorCode::kConflict, kCouponCodeTaken);
    ExpectFailure(Write([&](ports::StoreTx& tx) { return tx.InsertCoupon(CouponOf(partner, coupon.id, "other")); }),
                  ErrorCode::kConflict, kCouponIdTaken);
    auto done = Write([&](ports::StoreTx& tx) {
        return tx.InsertCoupon(CouponOf(other_partner, NextId<core::CouponId>(), "spring25"));
    });
    EXPECT_TRUE(done) << done.error().message();
}

TEST_P(StoreConformanceTest, CouponWhosePartnerIsMissingOrInAnotherProgramIsRefused) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    InsertChain(program, partner, MakeLink(partner));
    const auto other_program = MakeProgram();
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertProgram(other_program); }));

    auto misfiled = CouponOf(partner, NextId<core::CouponId>(), "a");
    misfiled.program_id = other_program.id;
    ExpectFailure(Write([&](ports::StoreTx& tx) { return tx.InsertCoupon(misfiled); }), ErrorCode::kNotFound,
                  kCouponPartnerMissing);
    const auto stranger = MakePartner(program);  // never inserted
    ExpectFailure(
        Write([&](ports::StoreTx& tx) { return tx.InsertCoupon(CouponOf(stranger, NextId<core::CouponId>(), "b")); }),
        ErrorCode::kNotFound, kCouponPartnerMissing);
}

TEST_P(StoreConformanceTest, UpdateCouponChangesCodeAndActiveOnlyAndMovesItsCode) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto other_partner = MakePartner(program);
    InsertChain(program, partner, MakeLink(partner));
    const auto original = CouponOf(partner, NextId<core::CouponId>(), "spring25");
    const auto taken = CouponOf(partner, NextId<core::CouponId>(), "taken");
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertPartner(other_partner); !ok) return ok;
        if (auto ok = tx.InsertCoupon(original); !ok) return ok;
        return tx.InsertCoupon(taken);
    }));

    auto conflicting = original;
    conflicting.code = "taken";
    conflicting.active = true;
    ExpectFailure(Write([&](ports::StoreTx& tx) { return tx.UpdateCoupon(conflicting); }), ErrorCode::kConflict,
                  kCouponCodeTaken);

    auto changed = original;
    changed.code = "summer30";
    changed.active = true;
    changed.partner_id = other_partner.id;
    changed.program_id = MakeProgram().id;
    changed.created_at = {1};
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.UpdateCoupon(changed); }));
    auto want = original;
    want.code = "summer30";
    want.active = true;
    auto got = Read([&](ports::StoreTx& tx) { return tx.FindCouponByCode(program.id, "summer30"); });
    ASSERT_TRUE(got && got->has_value());
    EXPECT_EQ(Describe(**got), Describe(want));
    auto old_code = Read([&](ports::StoreTx& tx) { return tx.FindCouponByCode(program.id, "spring25"); });
    ASSERT_TRUE(old_code);
    EXPECT_FALSE(old_code->has_value());
    auto reuse = Write(
        [&](ports::StoreTx& tx) { return tx.InsertCoupon(CouponOf(partner, NextId<core::CouponId>(), "spring25")); });
    EXPECT_TRUE(reuse) << "the old code is free again: " << reuse.error().message();
}

TEST_P(StoreConformanceTest, CouponPagesAreNewestFirstAndFilterByProgramAndPartner) {
    const auto program = MakeProgram();
    const auto a = MakePartner(program);
    const auto b = MakePartner(program);
    const auto other_program = MakeProgram();
    const auto c = MakePartner(other_program);
    InsertChain(program, a, MakeLink(a));
    InsertChain(other_program, c, MakeLink(c));
    std::vector<core::Coupon> coupons;
    for (const auto* owner : {&a, &b, &a, &c, &a}) {
        coupons.push_back(CouponOf(*owner, NextId<core::CouponId>(), "code" + std::to_string(coupons.size())));
    }
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertPartner(b); !ok) return ok;
        for (auto it = coupons.rbegin(); it != coupons.rend(); ++it) {
            if (auto ok = tx.InsertCoupon(*it); !ok) return ok;
        }
        return {};
    }));
    auto id = [&](int i) { return coupons[i].id.str(); };

    struct Case {
        ports::FunnelFilter filter;
        core::PageRequest page;
        std::vector<std::string> want;
        bool has_more;
    };
    const Case cases[] = {
        {{}, PageOf(10), {id(4), id(3), id(2), id(1), id(0)}, false},
        {{program.id, {}}, PageOf(10), {id(4), id(2), id(1), id(0)}, false},
        {{program.id, a.id}, PageOf(2), {id(4), id(2)}, true},
        {{program.id, a.id}, PageOf(2, id(2)), {id(0)}, false},
        {{{}, b.id}, PageOf(10), {id(1)}, false},
        {{other_program.id, a.id}, PageOf(10), {}, false},
    };
    for (const auto& c : cases) {
        auto page = Read([&](ports::StoreTx& tx) { return tx.ListCoupons(c.filter, c.page); });
        ASSERT_TRUE(page) << page.error().message();
        EXPECT_EQ(Ids(*page), c.want) << "after=" << c.page.starting_after;
        EXPECT_EQ(page->has_more, c.has_more) << "after=" << c.page.starting_after;
    }
    auto full = Read([&](ports::StoreTx& tx) { return tx.ListCoupons({}, PageOf(1)); });
    ASSERT_TRUE(full && full->data.size() == 1);
    EXPECT_EQ(Describe(full->data[0]), Describe(coupons[4])) << "lists return whole objects";
}

}  // namespace
}  // namespace rt::storage::testing
