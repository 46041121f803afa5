#include "app/funnel_filter.hpp"

#include <gtest/gtest.h>

namespace rt::app {
namespace {

constexpr const char* kProgram = "prg_01jd0000000000000000000000";
constexpr const char* kOther = "prg_01jd0000000000000000000001";
constexpr const char* kAda = "prt_01jd0000000000000000000000";
constexpr const char* kBob = "prt_01jd0000000000000000000001";

struct Row {
    const char* name;
    core::Scope scope;
    std::optional<std::string> program_id, partner_id;
    bool empty_list;           // the caller asked for someone else's objects
    const char* want_program;  // "" for no program filter
    const char* want_partner;  // "" for no partner filter
};

TEST(ScopedFunnelFilter, NarrowsEachScopeToWhatItMaySee) {
    const auto ada = core::Scope::ForPartner(*core::PartnerId::Parse(kAda));
    const auto ingest = core::Scope::ForIngest(*core::ProgramId::Parse(kProgram));
    const Row rows[] = {
        {"admin, no filter", core::Scope::Admin(), {}, {}, false, "", ""},
        {"admin, both", core::Scope::Admin(), kProgram, kBob, false, kProgram, kBob},
        {"partner, implied", ada, {}, {}, false, "", kAda},
        {"partner, itself", ada, kProgram, kAda, false, kProgram, kAda},
        {"partner, another", ada, {}, kBob, true, "", ""},
        {"ingest, implied", ingest, {}, {}, false, kProgram, ""},
        {"ingest, a partner", ingest, {}, kBob, false, kProgram, kBob},
        {"ingest, another program", ingest, kOther, {}, true, "", ""},
    };
    for (const auto& r : rows) {
        auto got = ScopedFunnelFilter({r.scope, {}}, r.program_id, r.partner_id);
        ASSERT_TRUE(got) << r.name;
        ASSERT_EQ(!got->has_value(), r.empty_list) << r.name;
        if (r.empty_list) continue;
        EXPECT_EQ((*got)->program_id ? (*got)->program_id->str() : "", r.want_program) << r.name;
        EXPECT_EQ((*got)->partner_id ? (*got)->partner_id->str() : "", r.want_partner) << r.name;
    }
}

TEST(ScopedFunnelFilter, MalformedIdsAreInvalid) {
    auto bad_program = ScopedFunnelFilter({core::Scope::Admin(), {}}, "prt_01jd0000000000000000000000", {});
    ASSERT_FALSE(bad_program);
    EXPECT_EQ(bad_program.error().fields().front().field, "program_id");
    auto bad_partner = ScopedFunnelFilter({core::Scope::Admin(), {}}, {}, "nope");
    ASSERT_FALSE(bad_partner);
    EXPECT_EQ(bad_partner.error().fields().front().field, "partner_id");
}

}  // namespace
}  // namespace rt::app
