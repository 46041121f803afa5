#include "storage/commission_plan_json.hpp"

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>

namespace rt::storage {

namespace {

using nlohmann::json;

constexpr std::string_view kPercent = "percent";
constexpr std::string_view kFlat = "flat";

json EncodeRule(const core::CommissionRule& rule) {
    const std::string_view kind = rule.kind == core::CommissionRule::Kind::kFlat ? kFlat : kPercent;
    return {{"kind", std::string(kind)}, {"percent_bps", rule.percent_bps}, {"flat_minor", rule.flat_minor}};
}

// The integer member `name` of `object`; nullopt when absent, not an integer or outside int64.
std::optional<std::int64_t> IntMember(const json& object, const char* name) {
    const auto it = object.find(name);
    if (it == object.end()) return std::nullopt;
    if (it->is_number_unsigned()) {
        const auto value = it->get<std::uint64_t>();
        if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
        return static_cast<std::int64_t>(value);
    }
    if (!it->is_number_integer()) return std::nullopt;
    return it->get<std::int64_t>();
}

std::optional<core::CommissionRule> DecodeRule(const json& value) {
    if (!value.is_object() || value.size() != 3) return std::nullopt;
    const auto kind = value.find("kind");
    if (kind == value.end() || !kind->is_string()) return std::nullopt;
    core::CommissionRule rule;
    const auto& kind_text = kind->get_ref<const std::string&>();
    if (kind_text == kPercent) {
        rule.kind = core::CommissionRule::Kind::kPercent;
    } else if (kind_text == kFlat) {
        rule.kind = core::CommissionRule::Kind::kFlat;
    } else {
        return std::nullopt;
    }
    const auto percent_bps = IntMember(value, "percent_bps");
    const auto flat_minor = IntMember(value, "flat_minor");
    if (!percent_bps || !flat_minor) return std::nullopt;
    rule.percent_bps = *percent_bps;
    rule.flat_minor = *flat_minor;
    return rule;
}

}  // namespace

std::string EncodeCommissionPlan(const core::CommissionPlan& plan) {
    json by_group = json::object();
    for (const auto& [group, rule] : plan.by_group) by_group[group] = EncodeRule(rule);
    const json out = {{"default_rule", EncodeRule(plan.default_rule)}, {"by_group", std::move(by_group)}};
    return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<core::CommissionPlan> DecodeCommissionPlan(std::string_view text) {
    const json parsed = json::parse(text, nullptr, false);
    if (!parsed.is_object() || parsed.size() != 2) return std::nullopt;
    const auto default_rule = parsed.find("default_rule");
    const auto by_group = parsed.find("by_group");
    if (default_rule == parsed.end() || by_group == parsed.end() || !by_group->is_object()) return std::nullopt;
    core::CommissionPlan plan;
    auto rule = DecodeRule(*default_rule);
    if (!rule) return std::nullopt;
    plan.default_rule = *rule;
    for (const auto& [group, value] : by_group->items()) {
        auto group_rule = DecodeRule(value);
        if (!group_rule) return std::nullopt;
        plan.by_group.emplace(group, *group_rule);
    }
    return plan;
}

}  // namespace rt::storage
