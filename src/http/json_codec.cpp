#include "http/json_codec.hpp"

#include "core/time.hpp"
#include "http/json_fields.hpp"

namespace rt::http {

namespace {

nlohmann::json OptionalText(const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }

std::optional<core::AttributionPatch> ReadAttribution(JsonFields& fields) {
    const auto* object = fields.Object("attribution");
    if (object == nullptr) return std::nullopt;
    JsonFields nested(*object, fields.Path("attribution."));
    nested.RejectUnknown({"model", "window_days"});
    core::AttributionPatch settings;
    if (auto model = nested.String("model")) {
        if (auto parsed = core::ParseAttributionModel(*model)) {
            settings.model = *parsed;
        } else {
            nested.errors().Add(nested.Path("model"),
                                "must be one of first_click, last_click, linear, position_based, time_decay");
        }
    }
    if (auto days = nested.Integer("window_days")) {
        settings.window_days = *days > 100000 || *days < -100000 ? 0 : static_cast<int>(*days);
    }
    fields.Absorb(nested);
    return settings;
}

std::optional<std::vector<core::Stage>> ReadStages(JsonFields& fields) {
    const auto* array = fields.Array("stages");
    if (array == nullptr) return std::nullopt;
    std::vector<core::Stage> stages;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const std::string prefix = fields.Path("stages[" + std::to_string(i) + "].");
        const auto& element = (*array)[i];
        if (!element.is_object()) {
            fields.errors().Add(prefix.substr(0, prefix.size() - 1), "must be an object");
            continue;
        }
        JsonFields nested(element, prefix);
        nested.RejectUnknown({"key", "name", "kind"});
        core::Stage stage;
        stage.key = nested.String("key").value_or("");
        stage.name = nested.String("name").value_or(stage.key);
        if (auto kind = nested.String("kind")) {
            if (auto parsed = core::ParseStageKind(*kind))
                stage.kind = *parsed;
            else
                nested.errors().Add(nested.Path("kind"), "must be one of open, won, lost");
        }
        fields.Absorb(nested);
        stages.push_back(std::move(stage));
    }
    return stages;
}

nlohmann::json RuleJson(const core::CommissionRule& r) {
    if (r.kind == core::CommissionRule::Kind::kFlat) return {{"kind", "flat"}, {"flat_minor", r.flat_minor}};
    return {{"kind", "percent"}, {"percent_bps", r.percent_bps}};
}

std::optional<core::CommissionRule> ReadRule(const nlohmann::json& object, const std::string& prefix,
                                             JsonFields& parent) {
    if (!object.is_object()) {
        parent.errors().Add(prefix.substr(0, prefix.size() - 1), "must be an object");
        return std::nullopt;
    }
    JsonFields nested(object, prefix);
    nested.RejectUnknown({"kind", "percent_bps", "flat_minor"});
    core::CommissionRule rule;
    const auto kind = nested.String("kind");
    if (kind == "flat") {
        rule.kind = core::CommissionRule::Kind::kFlat;
    } else if (kind != "percent") {
        nested.errors().Add(nested.Path("kind"), "must be percent or flat");
    }
    rule.percent_bps = nested.Integer("percent_bps").value_or(0);
    rule.flat_minor = nested.Integer("flat_minor").value_or(0);
    parent.Absorb(nested);
    return rule;
}

// {"default_rule": {...}, "by_group": {"gold": {...}}}
std::optional<core::CommissionPlan> ReadCommission(JsonFields& fields) {
    const auto* object = fields.Object("commission");
    if (object == nullptr) return std::nullopt;
    JsonFields nested(*object, "commission.");
    nested.RejectUnknown({"default_rule", "by_group"});
    core::CommissionPlan plan;
    if (const auto* rule = nested.Object("default_rule")) {
        plan.default_rule = ReadRule(*rule, "commission.default_rule.", nested).value_or(core::CommissionRule{});
    } else {
        nested.errors().Add("commission.default_rule", "is required");
    }
    if (const auto* groups = nested.Object("by_group")) {
        for (const auto& [group, rule] : groups->items()) {
            if (auto r = ReadRule(rule, "commission.by_group." + group + ".", nested)) plan.by_group[group] = *r;
        }
    }
    fields.Absorb(nested);
    return plan;
}

}  // namespace

nlohmann::json CommissionJson(const core::CommissionPlan& plan) {
    nlohmann::json groups = nlohmann::json::object();
    for (const auto& [group, rule] : plan.by_group) groups[group] = RuleJson(rule);
    return {{"default_rule", RuleJson(plan.default_rule)}, {"by_group", std::move(groups)}};
}

nlohmann::json ToJson(const core::Program& p) {
    nlohmann::json stages = nlohmann::json::array();
    for (const auto& s : p.stages)
        stages.push_back({{"key", s.key}, {"name", s.name}, {"kind", core::ToString(s.kind)}});
    return {
        {"id", p.id.str()},
        {"object", "program"},
        {"name", p.name},
        {"currency", p.currency.code()},
        {"destination_domains", p.destination_domains},
        {"attribution", {{"model", core::ToString(p.attribution.model)}, {"window_days", p.attribution.window_days}}},
        {"sticky_customers", p.sticky_customers},
        {"commission", CommissionJson(p.commission)},
        {"stages", std::move(stages)},
        {"created_at", core::FormatRfc3339(p.created_at)},
        {"updated_at", core::FormatRfc3339(p.updated_at)}};
}

nlohmann::json ToJson(const core::Partner& p) {
    return {{"id", p.id.str()},
            {"object", "partner"},
            {"program_id", p.program_id.str()},
            {"name", p.name},
            {"email", p.email},
            {"status", core::ToString(p.status)},
            {"group", OptionalText(p.group)},
            {"created_at", core::FormatRfc3339(p.created_at)},
            {"updated_at", core::FormatRfc3339(p.updated_at)}};
}

nlohmann::json ToJson(const core::Link& l, std::string_view public_base_url) {
    return {{"id", l.id.str()},
            {"object", "link"},
            {"program_id", l.program_id.str()},
            {"partner_id", l.partner_id.str()},
            {"code", l.code},
            {"url", std::string(public_base_url) + "/r/" + l.code},
            {"destination", l.destination},
            {"campaign", OptionalText(l.campaign)},
            {"channel", OptionalText(l.channel)},
            {"status", core::ToString(l.status)},
            {"created_at", core::FormatRfc3339(l.created_at)},
            {"updated_at", core::FormatRfc3339(l.updated_at)}};
}

core::Result<core::ProgramFields> ParseProgramFields(const nlohmann::json& body) {
    JsonFields fields(body);
    fields.RejectUnknown(
        {"name", "currency", "destination_domains", "attribution", "sticky_customers", "commission", "stages"});
    core::ProgramFields out;
    out.name = fields.String("name");
    out.currency = fields.String("currency");
    out.destination_domains = fields.StringArray("destination_domains");
    out.attribution = ReadAttribution(fields);
    out.stages = ReadStages(fields);
    out.commission = ReadCommission(fields);
    if (const auto* sticky = body.contains("sticky_customers") ? &body["sticky_customers"] : nullptr) {
        if (sticky->is_boolean()) {
            out.sticky_customers = sticky->get<bool>();
        } else {
            fields.errors().Add("sticky_customers", "must be true or false");
        }
    }
    if (auto r = fields.errors().ToResult(); !r) return core::Fail(r.error());
    return out;
}

core::Result<core::PartnerFields> ParsePartnerFields(const nlohmann::json& body) {
    JsonFields fields(body);
    fields.RejectUnknown({"program_id", "name", "email", "status", "group"});
    core::PartnerFields out;
    out.program_id = fields.String("program_id");
    out.name = fields.String("name");
    out.email = fields.String("email");
    out.status = fields.String("status");
    out.group = fields.String("group", /*null_clears=*/true);
    if (auto r = fields.errors().ToResult(); !r) return core::Fail(r.error());
    return out;
}

core::Result<core::LinkFields> ParseLinkFields(const nlohmann::json& body) {
    JsonFields fields(body);
    fields.RejectUnknown({"partner_id", "destination", "code", "campaign", "channel", "status"});
    core::LinkFields out;
    out.partner_id = fields.String("partner_id");
    out.destination = fields.String("destination");
    out.code = fields.String("code");
    out.campaign = fields.String("campaign", /*null_clears=*/true);
    out.channel = fields.String("channel", /*null_clears=*/true);
    out.status = fields.String("status");
    if (auto r = fields.errors().ToResult(); !r) return core::Fail(r.error());
    return out;
}

}  // namespace rt::http
