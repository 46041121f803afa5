#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/commission.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/money.hpp"
#include "core/time.hpp"

namespace rt::core {

enum class AttributionModel { kFirstClick, kLastClick, kLinear, kPositionBased, kTimeDecay };

std::string_view ToString(AttributionModel m);
std::optional<AttributionModel> ParseAttributionModel(std::string_view text);

struct AttributionSettings {
    static constexpr int kMaxWindowDays = 365;

    AttributionModel model = AttributionModel::kLastClick;
    int window_days = 90;  // 1..kMaxWindowDays

    bool operator==(const AttributionSettings&) const = default;
};

// A change to attribution settings: only the members present change.
struct AttributionPatch {
    AttributionPatch() = default;
    // Both members set: replaces the settings whole.
    AttributionPatch(const AttributionSettings& s) : model(s.model), window_days(s.window_days) {}  // NOLINT

    std::optional<AttributionModel> model;
    std::optional<int> window_days;
};

// What reaching a stage means for the referral: still in the pipeline, converted, or dropped.
enum class StageKind { kOpen, kWon, kLost };

std::string_view ToString(StageKind k);
std::optional<StageKind> ParseStageKind(std::string_view text);

struct Stage {
    std::string key;   // slug, unique within the program: [a-z0-9_], 1..32
    std::string name;  // shown in the UI, 1..64
    StageKind kind = StageKind::kOpen;

    bool operator==(const Stage&) const = default;
};

// new → qualified → proposal → won / lost.
std::vector<Stage> DefaultStages();

struct Program {
    static constexpr std::size_t kMaxNameLength = 200;
    static constexpr std::size_t kMaxDomains = 50;
    static constexpr std::size_t kMaxStages = 20;

    ProgramId id;
    std::string name;
    Currency currency;
    std::vector<std::string> destination_domains;  // normalized patterns (see url.hpp)
    AttributionSettings attribution;
    // A customer once credited to a partner stays with that partner for later (recurring) conversions.
    bool sticky_customers = true;
    CommissionPlan commission;  // default: 0% (nothing is paid until a rule is set)
    std::vector<Stage> stages;
    TimePoint created_at;
    TimePoint updated_at;
};

// The caller-settable fields, as parsed from a request: create requires name, currency and
// destination_domains; a patch changes only the fields present.
struct ProgramFields {
    std::optional<std::string> name;
    std::optional<std::string> currency;
    std::optional<std::vector<std::string>> destination_domains;
    std::optional<AttributionPatch> attribution;
    std::optional<bool> sticky_customers;
    std::optional<CommissionPlan> commission;  // replaces the plan whole
    std::optional<std::vector<Stage>> stages;
};

// On success a valid program with defaults filled (last click, 90 days, DefaultStages()).
// On failure kInvalid naming every bad or missing field.
Result<Program> NewProgram(const ProgramFields& fields, ProgramId id, TimePoint now);

// Applies a patch. The currency is fixed at creation (amounts already recorded are in it): a patch
// that changes it is kInvalid.
Result<Program> PatchProgram(Program program, const ProgramFields& patch, TimePoint now);

}  // namespace rt::core
