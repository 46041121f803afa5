// The storage conformance suite, part 2: uniqueness, references, transactions.

#include "storage/store_conformance.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage::testing {
namespace {

using core::ErrorCode;

// Expects `result` to have failed with `code` and exactly `message`.
void ExpectError(const core::Result<void>& result, ErrorCode code, std::string_view message) {
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code(), code) << result.error().message();
    EXPECT_EQ(result.error().message(), message);
}

TEST_P(StoreConformanceTest, DuplicateProgramIdConflicts) {
    const auto program = MakeProgram();
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertProgram(program); }));
    auto twin = MakeProgram();
    twin.id = program.id;

    ExpectError(Write([&](ports::StoreTx& tx) { return tx.InsertProgram(twin); }), ErrorCode::kConflict,
                kProgramIdTaken);
    auto stored = Read([&](ports::StoreTx& tx) { return tx.GetProgram(program.id); });
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->name, program.name);
}

TEST_P(StoreConformanceTest, DuplicatePartnerIdConflictsInAnyProgram) {
    const auto program = MakeProgram();
    const auto other_program = MakeProgram();
    const auto partner = MakePartner(program);
    InsertChain(program, partner, MakeLink(partner));
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertProgram(other_program); }));

    for (const auto* where : {&program, &other_program}) {
        auto twin = MakePartner(*where);
        twin.id = partner.id;
        ExpectError(Write([&](ports::StoreTx& tx) { return tx.InsertPartner(twin); }), ErrorCode::kConflict,
                    kPartnerIdTaken);
    }
}

TEST_P(StoreConformanceTest, PartnerEmailIsUniqueWithinItsProgramOnly) {
    const auto program = MakeProgram();
    const auto other_program = MakeProgram();
    const auto partner = MakePartner(program);
    InsertChain(program, partner, MakeLink(partner));
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertProgram(other_program); }));

    auto same_program = MakePartner(program);
    same_program.email = partner.email;
    ExpectError(Write([&](ports::StoreTx& tx) { return tx.InsertPartner(same_program); }), ErrorCode::kConflict,
                kPartnerEmailTaken);

    auto elsewhere = MakePartner(other_program);
    elsewhere.email = partner.email;
    auto done = Write([&](ports::StoreTx& tx) { return tx.InsertPartner(elsewhere); });
    EXPECT_TRUE(done) << done.error().message();
}

TEST_P(StoreConformanceTest, UpdatePartnerToATakenEmailConflictsAndChangesNothing) {
    const auto program = MakeProgram();
    const auto first = MakePartner(program);
    auto second = MakePartner(program);
    InsertChain(program, first, MakeLink(first));
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertPartner(second); }));

    auto changed = second;
    changed.email = first.email;
    changed.name = "changed";
    ExpectError(Write([&](ports::StoreTx& tx) { return tx.UpdatePartner(changed); }), ErrorCode::kConflict,
                kPartnerEmailTaken);
    auto stored = Read([&](ports::StoreTx& tx) { return tx.GetPartner(second.id); });
    ASSERT_TRUE(stored);
    EXPECT_EQ(Describe(*stored), Describe(second));
}

TEST_P(StoreConformanceTest, LinkCodeIsUniqueAcrossPrograms) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto link = MakeLink(partner);
    InsertChain(program, partner, link);
    const auto other_program = MakeProgram();
    const auto other_partner = MakePartner(other_program);
    auto same_code = MakeLink(other_partner);
    same_code.code = link.code;

    ExpectError(Write([&](ports::StoreTx& tx) -> core::Result<void> {
                    if (auto ok = tx.InsertProgram(other_program); !ok) return ok;
                    if (auto ok = tx.InsertPartner(other_partner); !ok) return ok;
                    return tx.InsertLink(same_code);
                }),
                ErrorCode::kConflict, kLinkCodeTaken);
}

TEST_P(StoreConformanceTest, DuplicateLinkIdConflicts) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto link = MakeLink(partner);
    InsertChain(program, partner, link);
    auto twin = MakeLink(partner);
    twin.id = link.id;

    ExpectError(Write([&](ports::StoreTx& tx) { return tx.InsertLink(twin); }), ErrorCode::kConflict, kLinkIdTaken);
}

TEST_P(StoreConformanceTest, UpdateLinkToATakenCodeConflictsAndChangesNothing) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto first = MakeLink(partner);
    const auto second = MakeLink(partner);
    InsertChain(program, partner, first);
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertLink(second); }));

    auto changed = second;
    changed.code = first.code;
    changed.campaign = "changed";
    ExpectError(Write([&](ports::StoreTx& tx) { return tx.UpdateLink(changed); }), ErrorCode::kConflict,
                kLinkCodeTaken);
    auto stored = Read([&](ports::StoreTx& tx) { return tx.GetLink(second.id); });
    ASSERT_TRUE(stored);
    EXPECT_EQ(Describe(*stored), Describe(second));
    auto by_code = Read([&](ports::StoreTx& tx) { return tx.GetLinkByCode(first.code); });
    ASSERT_TRUE(by_code);
    EXPECT_EQ(by_code->id, first.id);
}

TEST_P(StoreConformanceTest, DuplicateApiKeyIdConflicts) {
    const auto key = MakeApiKey("ci");
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertApiKey(key); }));
    auto twin = MakeApiKey("other");
    twin.id = key.id;

    ExpectError(Write([&](ports::StoreTx& tx) { return tx.InsertApiKey(twin); }), ErrorCode::kConflict, kApiKeyIdTaken);
}

TEST_P(StoreConformanceTest, PartnerOfAnUnknownProgramIsRefused) {
    const auto program = MakeProgram();  // never inserted
    ExpectError(Write([&](ports::StoreTx& tx) { return tx.InsertPartner(MakePartner(program)); }), ErrorCode::kNotFound,
                kPartnerProgramMissing);
}

TEST_P(StoreConformanceTest, LinkWhosePartnerIsMissingOrInAnotherProgramIsRefused) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    InsertChain(program, partner, MakeLink(partner));
    const auto other_program = MakeProgram();
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) { return tx.InsertProgram(other_program); }));

    auto misfiled = MakeLink(partner);
    misfiled.program_id = other_program.id;
    ExpectError(Write([&](ports::StoreTx& tx) { return tx.InsertLink(misfiled); }), ErrorCode::kNotFound,
                kLinkPartnerMissing);
    const auto stranger = MakePartner(program);  // never inserted
    ExpectError(Write([&](ports::StoreTx& tx) { return tx.InsertLink(MakeLink(stranger)); }), ErrorCode::kNotFound,
                kLinkPartnerMissing);
}

TEST_P(StoreConformanceTest, FailingBodyRollsBackEverythingItWrote) {
    auto kept = MakeProgram();
    const auto kept_key = MakeApiKey("ci");
    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertProgram(kept); !ok) return ok;
        return tx.InsertApiKey(kept_key);
    }));

    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto link = MakeLink(partner);
    auto renamed = kept;
    renamed.name = "renamed";
    auto failed = Write([&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.InsertProgram(program); !ok) return ok;
        if (auto ok = tx.InsertPartner(partner); !ok) return ok;
        if (auto ok = tx.InsertLink(link); !ok) return ok;
        if (auto ok = tx.InsertApiKey(MakeApiKey("ci")); !ok) return ok;
        if (auto ok = tx.UpdateProgram(renamed); !ok) return ok;
        if (auto deleted = tx.DeleteApiKeysByName("ci"); !deleted || *deleted != 2)
            return core::Fail(core::Error::Internal("setup"));
        return core::Fail(core::Error::Invalid("name", "the body gives up"));
    });
    ExpectError(failed, ErrorCode::kInvalid, "name: the body gives up");

    auto state = Read([&](ports::StoreTx& tx) -> core::Result<std::string> {
        std::string out = std::to_string(*tx.CountPrograms()) + " programs;";
        out += tx.GetProgram(program.id) ? " new program kept;" : "";
        out += tx.GetPartner(partner.id) ? " partner kept;" : "";
        out += tx.GetLink(link.id) ? " link kept;" : "";
        out += tx.GetLinkByCode(link.code) ? " link code kept;" : "";
        auto old = tx.GetProgram(kept.id);
        out += old && old->name == kept.name ? " old program intact;" : " old program changed;";
        out += tx.GetApiKey(kept_key.id) ? " old key intact;" : " old key deleted;";
        return out;
    });
    ASSERT_TRUE(state) << state.error().message();
    EXPECT_EQ(*state, "1 programs; old program intact; old key intact;");
}

TEST_P(StoreConformanceTest, BodyThatReturnsAConflictKeepsNothing) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto link = MakeLink(partner);
    InsertChain(program, partner, link);
    const auto fresh = MakeProgram();
    auto taken = MakeLink(partner);
    taken.code = link.code;

    ExpectError(Write([&](ports::StoreTx& tx) -> core::Result<void> {
                    if (auto ok = tx.InsertProgram(fresh); !ok) return ok;
                    return tx.InsertLink(taken);
                }),
                ErrorCode::kConflict, kLinkCodeTaken);
    auto gone = Read([&](ports::StoreTx& tx) { return tx.GetProgram(fresh.id); });
    ASSERT_FALSE(gone);
    EXPECT_EQ(gone.error().code(), ErrorCode::kNotFound);
}

TEST_P(StoreConformanceTest, FailedStatementInACommittedBodyLeavesNoTraceButKeepsTheRest) {
    const auto program = MakeProgram();
    const auto partner = MakePartner(program);
    const auto link = MakeLink(partner);
    InsertChain(program, partner, link);
    auto taken = MakeLink(partner);
    taken.code = link.code;
    const auto second = MakeLink(partner);

    ASSERT_TRUE(Write([&](ports::StoreTx& tx) -> core::Result<void> {
        auto refused = tx.InsertLink(taken);
        if (refused || refused.error().code() != ErrorCode::kConflict) return core::Fail(core::Error::Internal("no"));
        return tx.InsertLink(second);
    }));

    auto taken_row = Read([&](ports::StoreTx& tx) { return tx.GetLink(taken.id); });
    EXPECT_FALSE(taken_row);
    auto second_row = Read([&](ports::StoreTx& tx) { return tx.GetLink(second.id); });
    EXPECT_TRUE(second_row);
}

TEST_P(StoreConformanceTest, WriteInsideAReadTransactionIsRefused) {
    const auto program = MakeProgram();
    auto refused =
        store_->Transact(ports::TxMode::kRead, [&](ports::StoreTx& tx) { return tx.InsertProgram(program); });
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), ErrorCode::kInternal);
    auto count = Read([](ports::StoreTx& tx) { return tx.CountPrograms(); });
    ASSERT_TRUE(count);
    EXPECT_EQ(*count, 0);
}

}  // namespace
}  // namespace rt::storage::testing
