#include "core/referral_stage.hpp"

#include <algorithm>
#include <string>

namespace rt::core {

const Stage* FindStage(const std::vector<Stage>& stages, std::string_view key) {
    const auto it = std::find_if(stages.begin(), stages.end(), [&](const Stage& s) { return s.key == key; });
    return it == stages.end() ? nullptr : &*it;
}

std::string_view InitialStage(const std::vector<Stage>& stages) {
    return stages.empty() ? std::string_view{} : std::string_view{stages.front().key};
}

Result<bool> CheckStageMove(const std::vector<Stage>& stages, std::string_view from_key, std::string_view to_key) {
    if (FindStage(stages, to_key) == nullptr) return Fail(Error::Invalid("stage", "is not a stage of the program"));
    if (from_key == to_key) return false;
    const Stage* from = FindStage(stages, from_key);
    if (from != nullptr && from->kind != StageKind::kOpen) {
        return Fail(Error::Conflict("the referral is already " + std::string(ToString(from->kind))));
    }
    return true;
}

}  // namespace rt::core
