#include "storage/commission_plan_json.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace rt::storage {
namespace {

using Kind = core::CommissionRule::Kind;

TEST(CommissionPlanJsonTest, DefaultPlanEncodesAsTheColumnDefault) {
    EXPECT_EQ(EncodeCommissionPlan({}), kDefaultCommissionPlanJson);
    auto decoded = DecodeCommissionPlan(kDefaultCommissionPlanJson);
    ASSERT_TRUE(decoded);
    EXPECT_TRUE(*decoded == core::CommissionPlan{});
}

TEST(CommissionPlanJsonTest, EveryRuleRoundTrips) {
    core::CommissionPlan plan;
    plan.default_rule = {Kind::kFlat, 17, 1999};
    plan.by_group = {{"gold", {Kind::kPercent, 10'000, 0}},
                     {"caf\xC3\xA9-\"quoted\"", {Kind::kFlat, 0, std::numeric_limits<std::int64_t>::max()}},
                     {"neg", {Kind::kPercent, -1, std::numeric_limits<std::int64_t>::min()}}};
    const auto text = EncodeCommissionPlan(plan);
    auto decoded = DecodeCommissionPlan(text);
    ASSERT_TRUE(decoded) << text;
    EXPECT_TRUE(*decoded == plan) << text;
    EXPECT_EQ(EncodeCommissionPlan(*decoded), text);
}

TEST(CommissionPlanJsonTest, MembersMayComeInAnyOrder) {
    auto decoded = DecodeCommissionPlan(R"({"default_rule":{"percent_bps":250,"kind":"percent","flat_minor":3},)"
                                        R"("by_group":{"a":{"kind":"flat","flat_minor":5,"percent_bps":0}}})");
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->default_rule, (core::CommissionRule{Kind::kPercent, 250, 3}));
    ASSERT_EQ(decoded->by_group.size(), 1u);
    EXPECT_EQ(decoded->by_group.at("a"), (core::CommissionRule{Kind::kFlat, 0, 5}));
}

TEST(CommissionPlanJsonTest, AnythingButTheExactShapeIsRefused) {
    constexpr std::string_view kRule = R"({"kind":"percent","percent_bps":0,"flat_minor":0})";
    const std::string rule(kRule);
    auto plan = [](const std::string& default_rule, const std::string& by_group = "{}") {
        return R"({"default_rule":)" + default_rule + R"(,"by_group":)" + by_group + "}";
    };
    const std::pair<const char*, std::string> cases[] = {
        {"not JSON", "{"},
        {"empty", ""},
        {"an array", "[]"},
        {"missing by_group", R"({"default_rule":)" + rule + "}"},
        {"missing default_rule", R"({"by_group":{}})"},
        {"unknown member", R"({"default_rule":)" + rule + R"(,"by_group":{},"version":1})"},
        {"by_group not an object", plan(rule, "[]")},
        {"unknown kind", plan(R"({"kind":"tiered","percent_bps":0,"flat_minor":0})")},
        {"kind not a string", plan(R"({"kind":1,"percent_bps":0,"flat_minor":0})")},
        {"missing percent_bps", plan(R"({"kind":"percent","flat_minor":0})")},
        {"missing flat_minor", plan(R"({"kind":"flat","percent_bps":0})")},
        {"extra rule member", plan(R"({"kind":"flat","percent_bps":0,"flat_minor":0,"cap":1})")},
        {"fractional number", plan(R"({"kind":"percent","percent_bps":2.5,"flat_minor":0})")},
        {"number as text", plan(R"({"kind":"percent","percent_bps":"250","flat_minor":0})")},
        {"beyond int64", plan(R"({"kind":"flat","percent_bps":0,"flat_minor":9223372036854775808})")},
        {"bad group rule", plan(rule, R"({"gold":{"kind":"percent"}})")},
        {"group rule not an object", plan(rule, R"({"gold":5})")},
        {"null rule", plan("null")},
    };
    for (const auto& [name, text] : cases) {
        EXPECT_FALSE(DecodeCommissionPlan(text)) << name << ": " << text;
    }
}

}  // namespace
}  // namespace rt::storage
