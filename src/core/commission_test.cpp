#include "core/commission.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace rt::core {
namespace {

using Kind = CommissionRule::Kind;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

CommissionRule Percent(std::int64_t bps) { return {.kind = Kind::kPercent, .percent_bps = bps}; }
CommissionRule Flat(std::int64_t minor) { return {.kind = Kind::kFlat, .flat_minor = minor}; }
Money In(std::string_view currency, std::int64_t amount) { return {amount, *Currency::Parse(currency)}; }
Money Eur(std::int64_t amount) { return In("EUR", amount); }

std::vector<std::string> FieldNames(const Error& error) {
    std::vector<std::string> names;
    for (const auto& f : error.fields()) names.push_back(f.field);
    return names;
}

TEST(CommissionFor, ComputesByTheRuleRoundingOnceHalfToEven) {
    struct Row {
        std::string name;
        CommissionRule default_rule;
        std::string group;
        Money amount;
        std::int64_t ppm;
        std::int64_t want;
    };
    const Row rows[] = {
        {"ten percent", Percent(1000), "", Eur(10000), 1'000'000, 1000},
        {"1299.9 rounds up", Percent(1000), "", Eur(12999), 1'000'000, 1300},
        {"0.5 rounds to even 0", Percent(1000), "", Eur(5), 1'000'000, 0},
        {"1.5 rounds to even 2", Percent(1000), "", Eur(15), 1'000'000, 2},
        {"2.5 rounds to even 2", Percent(1000), "", Eur(25), 1'000'000, 2},
        {"3.5 rounds to even 4", Percent(1000), "", Eur(35), 1'000'000, 4},
        {"0.51 rounds up", Percent(100), "", Eur(51), 1'000'000, 1},
        {"0.49 rounds down", Percent(100), "", Eur(49), 1'000'000, 0},
        {"zero percent", Percent(0), "", Eur(10000), 1'000'000, 0},
        {"hundred percent", Percent(10000), "", Eur(12345), 1'000'000, 12345},
        {"half weight", Percent(1000), "", Eur(10000), 500'000, 500},
        {"a third's weight: 33.3333", Percent(1000), "", Eur(1000), 333'333, 33},
        // 7 × 10% = 0.7, × 0.7 = 0.49 → 0; rounding 0.7 to 1 first would give 1.
        {"one rounding at the end", Percent(1000), "", Eur(7), 700'000, 0},
        {"weighted 1.5 rounds to even 2", Percent(10000), "", Eur(3), 500'000, 2},
        {"weighted 0.5 rounds to even 0", Percent(10000), "", Eur(1), 500'000, 0},
        {"zero weight", Percent(1000), "", Eur(10000), 0, 0},
        {"weight above a whole is clamped", Percent(1000), "", Eur(10000), 2'000'000, 1000},
        {"negative weight is clamped", Percent(1000), "", Eur(10000), -5, 0},
        {"JPY has no minor digits: 99.95 yen → 100", Percent(500), "", In("JPY", 1999), 1'000'000, 100},
        {"JPY 0.5 yen → 0", Percent(100), "", In("JPY", 50), 1'000'000, 0},
        {"JPY 1.5 yen → 2", Percent(100), "", In("JPY", 150), 1'000'000, 2},
        {"KWD 1234.5 fils → 1234", Percent(1000), "", In("KWD", 12345), 1'000'000, 1234},
        {"int64 max at 100% stays exact", Percent(10000), "", Eur(kMax), 1'000'000, kMax},
        // 9e18 × 0.9999 × 0.999999 = 8999100000000000000 − 8999100000000.
        {"huge amount, odd rate and weight", Percent(9999), "", Eur(9'000'000'000'000'000'000), 999'999,
         8'999'091'000'900'000'000},
        {"negative amount mirrors: -1.5 → -2", Percent(1000), "", Eur(-15), 1'000'000, -2},
        {"negative amount mirrors: -2.5 → -2", Percent(1000), "", Eur(-25), 1'000'000, -2},
        {"flat", Flat(500), "", Eur(10000), 1'000'000, 500},
        {"flat ignores the amount", Flat(500), "", Eur(0), 1'000'000, 500},
        {"flat a third: 166.6665 → 167", Flat(500), "", Eur(10000), 333'333, 167},
        {"flat 1.5 → 2", Flat(3), "", Eur(10000), 500'000, 2},
        {"flat 2.5 → 2", Flat(5), "", Eur(10000), 500'000, 2},
        {"flat 0.5 → 0", Flat(1), "", Eur(10000), 500'000, 0},
        {"flat int64 max", Flat(kMax), "", Eur(1), 1'000'000, kMax},
        {"group rule replaces the default", Percent(1000), "gold", Eur(10000), 1'000'000, 2000},
        {"group rule weighted", Percent(1000), "gold", Eur(10000), 250'000, 500},
        {"flat group rule", Percent(1000), "vip", Eur(10000), 1'000'000, 700},
        {"unknown group uses the default", Percent(1000), "silver", Eur(10000), 1'000'000, 1000},
        {"no group uses the default", Flat(300), "", Eur(10000), 1'000'000, 300},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.name);
        const CommissionPlan plan{row.default_rule, {{"gold", Percent(2000)}, {"vip", Flat(700)}}};
        ASSERT_TRUE(ValidateCommissionPlan(plan).has_value());
        const Money got = CommissionFor(plan, row.group, row.amount, row.ppm);
        EXPECT_EQ(got.amount, row.want);
        EXPECT_EQ(got.currency, row.amount.currency);
    }
}

TEST(ValidateCommissionPlan, NamesEveryBadField) {
    struct Row {
        std::string name;
        CommissionPlan plan;
        std::vector<std::string> fields;  // empty: valid
    };
    CommissionPlan too_many{Percent(1000), {}};
    for (int i = 0; i <= 100; ++i) too_many.by_group["g" + std::to_string(i)] = Percent(1000);
    const Row rows[] = {
        {"percent", {Percent(1000), {}}, {}},
        {"zero percent", {Percent(0), {}}, {}},
        {"hundred percent", {Percent(10000), {}}, {}},
        {"negative percent", {Percent(-1), {}}, {"default_rule.percent_bps"}},
        {"above hundred percent", {Percent(10001), {}}, {"default_rule.percent_bps"}},
        {"zero flat", {Flat(0), {}}, {}},
        {"negative flat", {Flat(-1), {}}, {"default_rule.flat_minor"}},
        {"the unused field is not checked", {{Kind::kPercent, 1000, -5}, {}}, {}},
        {"groups", {Percent(1000), {{"gold", Percent(2000)}, {"tier-2_b", Flat(100)}}}, {}},
        {"upper-case group", {Percent(1000), {{"Gold", Percent(2000)}}}, {"by_group.Gold"}},
        {"empty group", {Percent(1000), {{"", Percent(2000)}}}, {"by_group."}},
        {"bad group rule", {Percent(1000), {{"gold", Percent(-1)}}}, {"by_group.gold.percent_bps"}},
        {"every problem at once",
         {Percent(-1), {{"Bad", Flat(-1)}}},
         {"default_rule.percent_bps", "by_group.Bad", "by_group.Bad.flat_minor"}},
        {"too many groups", too_many, {"by_group"}},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.name);
        const auto result = ValidateCommissionPlan(row.plan);
        if (row.fields.empty()) {
            EXPECT_TRUE(result.has_value()) << result.error().message();
            continue;
        }
        ASSERT_FALSE(result.has_value());
        EXPECT_EQ(result.error().code(), ErrorCode::kInvalid);
        EXPECT_EQ(FieldNames(result.error()), row.fields);
    }
}

TEST(ReversalFor, ReversesTheRefundedShareNeverMoreThanTheWhole) {
    struct Row {
        std::string name;
        std::int64_t commission;
        std::int64_t amount;
        std::int64_t refund;
        std::int64_t already_refunded;
        std::int64_t want;
    };
    const Row rows[] = {
        {"full refund", 1000, 10000, 10000, 0, -1000},
        {"a quarter", 1000, 10000, 2500, 0, -250},
        {"a second quarter", 1000, 10000, 2500, 2500, -250},
        {"the rest after a half", 1000, 10000, 5000, 5000, -500},
        {"over-refund is capped", 1000, 10000, 15000, 0, -1000},
        {"over-refund after partials is capped", 1000, 10000, 5000, 8000, -200},
        {"already fully refunded", 1000, 10000, 100, 10000, 0},
        {"already over-refunded", 1000, 10000, 100, 12000, 0},
        {"zero refund", 1000, 10000, 0, 0, 0},
        {"zero original amount", 500, 0, 100, 0, 0},
        {"zero commission", 0, 10000, 5000, 0, 0},
        // 1 × 1/2 = 0.5 → 0; then the whole 1 is reached: the second half reverses 1.
        {"half of one: 0.5 rounds to even 0", 1, 2, 1, 0, 0},
        {"second half of one takes the rest", 1, 2, 1, 1, -1},
        // Reversed totals 333.67 → 334, 667.33 → 667, 1001: -334, -333, -334 add up to -1001.
        {"first third", 1001, 3, 1, 0, -334},
        {"second third", 1001, 3, 1, 1, -333},
        {"last third", 1001, 3, 1, 2, -334},
        {"huge amounts without overflow", kMax, kMax, kMax / 2, 0, -(kMax / 2)},
        {"huge refund past huge already refunded", 1'000'000'000'000'000'000, kMax, kMax, kMax, 0},
        {"huge full refund", 1'000'000'000'000'000'000, kMax, kMax, 0, -1'000'000'000'000'000'000},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.name);
        const auto got = ReversalFor(Eur(row.commission), Eur(row.amount), Eur(row.refund), Eur(row.already_refunded));
        ASSERT_TRUE(got.has_value()) << got.error().message();
        EXPECT_EQ(got->amount, row.want);
        EXPECT_EQ(got->currency.code(), "EUR");
    }
}

TEST(ReversalFor, PartialRefundsAddUpToExactlyTheCommission) {
    for (const std::int64_t step : {1, 7, 333, 999, 1000, 4000}) {
        SCOPED_TRACE("refunds of " + std::to_string(step));
        std::int64_t refunded = 0;
        std::int64_t reversed = 0;
        while (refunded < 1200) {  // past the 1000 of the order: the tail reverses nothing
            const auto got = ReversalFor(Eur(997), Eur(1000), Eur(step), Eur(refunded));
            ASSERT_TRUE(got.has_value());
            EXPECT_LE(got->amount, 0);
            reversed += got->amount;
            refunded += step;
        }
        EXPECT_EQ(reversed, -997);
    }
}

TEST(ReversalFor, KeepsTheCommissionsCurrency) {
    const auto got = ReversalFor(In("EUR", 1000), In("USD", 10000), In("USD", 5000), In("USD", 0));
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->amount, -500);
    EXPECT_EQ(got->currency.code(), "EUR");
}

TEST(ReversalFor, RejectsMismatchedCurrenciesAndNegativeAmounts) {
    struct Row {
        std::string name;
        Money amount;
        Money refund;
        Money already_refunded;
        std::vector<std::string> fields;
    };
    const Row rows[] = {
        {"refund in another currency", Eur(10000), In("USD", 100), Eur(0), {"currency"}},
        {"already refunded in another currency", Eur(10000), Eur(100), In("JPY", 0), {"currency"}},
        {"negative original amount", Eur(-10000), Eur(100), Eur(0), {"original_amount"}},
        {"negative refund", Eur(10000), Eur(-100), Eur(0), {"refund_amount"}},
        {"negative already refunded", Eur(10000), Eur(100), Eur(-1), {"already_refunded"}},
        {"all at once",
         Eur(-1),
         In("USD", -1),
         Eur(-1),
         {"currency", "original_amount", "refund_amount", "already_refunded"}},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.name);
        const auto got = ReversalFor(Eur(1000), row.amount, row.refund, row.already_refunded);
        ASSERT_FALSE(got.has_value());
        EXPECT_EQ(got.error().code(), ErrorCode::kInvalid);
        EXPECT_EQ(FieldNames(got.error()), row.fields);
    }
}

}  // namespace
}  // namespace rt::core
