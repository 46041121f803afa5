#pragma once

#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/program.hpp"

namespace rt::core {

// The stage of `stages` with `key`; nullptr when there is none.
const Stage* FindStage(const std::vector<Stage>& stages, std::string_view key);

// Where a new referral starts: the first stage (always open in a valid program). Empty when `stages` is.
std::string_view InitialStage(const std::vector<Stage>& stages);

// Whether a referral in stage `from_key` may move to `to_key`. On success true when it moves, false for a
// no-op. Checked in this order:
//   - `to_key` is not a stage of the program: kInvalid on field "stage";
//   - `to_key` == `from_key`: false, a no-op allowed in any stage (won and lost included), so that repeating
//     a move is idempotent;
//   - the referral is in a won or lost stage: kConflict ("the referral is already won" / "... lost"),
//     a final stage is never left;
//   - otherwise true: an open stage may move to any stage, forward or backward, won and lost included.
// A `from_key` that is no longer a stage of the program (its stages were reconfigured) counts as open, so
// the referral can be moved back into the pipeline.
Result<bool> CheckStageMove(const std::vector<Stage>& stages, std::string_view from_key, std::string_view to_key);

}  // namespace rt::core
