#include "core/referral_stage.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace rt::core {
namespace {

// A pipeline with two won stages and two lost ones, to show that final means final whatever the kind.
std::vector<Stage> TwoOutcomeStages() {
    return {{"lead", "Lead", StageKind::kOpen},       {"trial", "Trial", StageKind::kOpen},
            {"paid", "Paid", StageKind::kWon},        {"upsold", "Upsold", StageKind::kWon},
            {"churned", "Churned", StageKind::kLost}, {"spam", "Spam", StageKind::kLost}};
}

TEST(CheckStageMove, FollowsThePipelineRules) {
    struct Row {
        std::vector<Stage> stages;
        std::string from;
        std::string to;
        std::optional<bool> moved;  // nullopt: refused with `code`
        ErrorCode code = ErrorCode::kInternal;
        std::string message = "";
    };
    const auto d = DefaultStages();  // new → qualified → proposal → won / lost
    const auto t = TwoOutcomeStages();
    const Row rows[] = {
        {d, "new", "qualified", true},
        {d, "qualified", "proposal", true},
        {d, "proposal", "qualified", true},  // backward
        {d, "proposal", "new", true},        // back to the start
        {d, "new", "proposal", true},        // skipping a stage
        {d, "new", "won", true},
        {d, "proposal", "won", true},
        {d, "qualified", "lost", true},
        {d, "new", "new", false},  // no-op
        {d, "proposal", "proposal", false},
        {d, "won", "won", false},  // a repeated move to the final stage stays idempotent
        {d, "lost", "lost", false},
        {d, "won", "proposal", std::nullopt, ErrorCode::kConflict, "the referral is already won"},
        {d, "won", "lost", std::nullopt, ErrorCode::kConflict, "the referral is already won"},
        {d, "lost", "new", std::nullopt, ErrorCode::kConflict, "the referral is already lost"},
        {d, "lost", "won", std::nullopt, ErrorCode::kConflict, "the referral is already lost"},
        {d, "new", "closed", std::nullopt, ErrorCode::kInvalid, "is not a stage of the program"},
        {d, "new", "", std::nullopt, ErrorCode::kInvalid, "is not a stage of the program"},
        {d, "new", "Won", std::nullopt, ErrorCode::kInvalid, "is not a stage of the program"},  // keys are exact
        {d, "won", "closed", std::nullopt, ErrorCode::kInvalid, "is not a stage of the program"},
        // The referral's stage was removed from the program: it may be moved back into the pipeline.
        {d, "gone", "new", true},
        {d, "gone", "won", true},
        {d, "gone", "gone", std::nullopt, ErrorCode::kInvalid, "is not a stage of the program"},
        {t, "lead", "trial", true},
        {t, "trial", "upsold", true},
        {t, "trial", "spam", true},
        {t, "paid", "upsold", std::nullopt, ErrorCode::kConflict, "the referral is already won"},
        {t, "churned", "spam", std::nullopt, ErrorCode::kConflict, "the referral is already lost"},
        {t, "spam", "lead", std::nullopt, ErrorCode::kConflict, "the referral is already lost"},
        {t, "upsold", "upsold", false},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.from + " → " + row.to);
        const Result<bool> got = CheckStageMove(row.stages, row.from, row.to);
        if (row.moved) {
            ASSERT_TRUE(got.has_value()) << got.error().message();
            EXPECT_EQ(*got, *row.moved);
            continue;
        }
        ASSERT_FALSE(got.has_value());
        EXPECT_EQ(got.error().code(), row.code);
        if (row.code == ErrorCode::kInvalid) {
            ASSERT_EQ(got.error().fields().size(), 1u);
            EXPECT_EQ(got.error().fields()[0].field, "stage");
            EXPECT_EQ(got.error().fields()[0].message, row.message);
        } else {
            EXPECT_EQ(got.error().message(), row.message);
        }
    }
}

TEST(InitialStage, IsTheFirstStage) {
    EXPECT_EQ(InitialStage(DefaultStages()), "new");
    EXPECT_EQ(InitialStage(TwoOutcomeStages()), "lead");
    EXPECT_EQ(InitialStage({}), "");
}

TEST(FindStage, FindsByExactKey) {
    const auto stages = DefaultStages();
    ASSERT_NE(FindStage(stages, "won"), nullptr);
    EXPECT_EQ(FindStage(stages, "won")->kind, StageKind::kWon);
    EXPECT_EQ(FindStage(stages, "WON"), nullptr);
    EXPECT_EQ(FindStage(stages, ""), nullptr);
}

}  // namespace
}  // namespace rt::core
