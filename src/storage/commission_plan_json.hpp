#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/commission.hpp"

// A program's commission plan as stored in a text column, the same for every backend:
//   {"by_group":{"<group>":<rule>,…},"default_rule":<rule>}
//   <rule> = {"flat_minor":N,"kind":"percent"|"flat","percent_bps":N}
namespace rt::storage {

// Compact JSON with the keys sorted; the default plan encodes as kDefaultCommissionPlanJson.
std::string EncodeCommissionPlan(const core::CommissionPlan& plan);

// Strict: nullopt unless `text` is exactly that shape, every number an integer that fits in int64 and no
// member missing or unknown. The plan's values are not validated (that is core::ValidateCommissionPlan's job).
std::optional<core::CommissionPlan> DecodeCommissionPlan(std::string_view text);

// EncodeCommissionPlan(CommissionPlan{}): 0% of every amount. The column default of programs written before
// plans existed.
inline constexpr std::string_view kDefaultCommissionPlanJson =
    R"({"by_group":{},"default_rule":{"flat_minor":0,"kind":"percent","percent_bps":0}})";

}  // namespace rt::storage
