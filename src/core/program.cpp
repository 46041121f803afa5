#include "core/program.hpp"

#include <algorithm>
#include <set>

#include "core/text.hpp"
#include "core/url.hpp"

namespace rt::core {

namespace {

constexpr std::pair<AttributionModel, std::string_view> kModels[] = {
    {AttributionModel::kFirstClick, "first_click"}, {AttributionModel::kLastClick, "last_click"},
    {AttributionModel::kLinear, "linear"},          {AttributionModel::kPositionBased, "position_based"},
    {AttributionModel::kTimeDecay, "time_decay"},
};

constexpr std::pair<StageKind, std::string_view> kStageKinds[] = {
    {StageKind::kOpen, "open"},
    {StageKind::kWon, "won"},
    {StageKind::kLost, "lost"},
};

void CheckDomains(FieldErrors& errors, std::vector<std::string>& domains) {
    if (domains.empty()) {
        errors.Add("destination_domains", "must list at least one domain");
        return;
    }
    if (domains.size() > Program::kMaxDomains) {
        errors.Add("destination_domains", "must list at most " + std::to_string(Program::kMaxDomains) + " domains");
        return;
    }
    std::set<std::string> seen;
    for (std::size_t i = 0; i < domains.size(); ++i) {
        auto normalized = NormalizeDomainPattern(domains[i]);
        const std::string field = "destination_domains[" + std::to_string(i) + "]";
        if (!normalized) {
            errors.Add(field, "must be a host name such as shop.example.com, or *.example.com for its sub-domains");
        } else if (!seen.insert(*normalized).second) {
            errors.Add(field, "is listed twice");
        } else {
            domains[i] = *normalized;
        }
    }
}

void CheckAttribution(FieldErrors& errors, const AttributionSettings& a) {
    if (a.window_days < 1 || a.window_days > AttributionSettings::kMaxWindowDays) {
        errors.Add("attribution.window_days",
                   "must be between 1 and " + std::to_string(AttributionSettings::kMaxWindowDays));
    }
}

// Stage keys are [a-z0-9_], 1..32: unlike other slugs, no '-'.
bool CheckStageKey(FieldErrors& errors, const std::string& field, std::string_view key) {
    const auto ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; };
    if (key.empty() || key.size() > 32 || !std::all_of(key.begin(), key.end(), ok)) {
        errors.Add(field, "must be 1 to 32 characters of a-z, 0-9 and '_'");
        return false;
    }
    return true;
}

void CheckStages(FieldErrors& errors, const std::vector<Stage>& stages) {
    if (stages.empty() || stages.size() > Program::kMaxStages) {
        errors.Add("stages", "must list 1 to " + std::to_string(Program::kMaxStages) + " stages");
        return;
    }
    std::set<std::string> keys;
    bool has_won = false;
    for (std::size_t i = 0; i < stages.size(); ++i) {
        const std::string prefix = "stages[" + std::to_string(i) + "]";
        if (CheckStageKey(errors, prefix + ".key", stages[i].key) && !keys.insert(stages[i].key).second) {
            errors.Add(prefix + ".key", "is used by another stage");
        }
        CheckText(errors, prefix + ".name", stages[i].name, 64);
        has_won = has_won || stages[i].kind == StageKind::kWon;
    }
    if (stages.front().kind != StageKind::kOpen) errors.Add("stages[0].kind", "the first stage must be open");
    if (!has_won) errors.Add("stages", "must include a stage of kind won");
}

}  // namespace

std::string_view ToString(AttributionModel m) {
    for (const auto& [model, name] : kModels) {
        if (model == m) return name;
    }
    return "last_click";
}

std::optional<AttributionModel> ParseAttributionModel(std::string_view text) {
    for (const auto& [model, name] : kModels) {
        if (name == text) return model;
    }
    return std::nullopt;
}

std::string_view ToString(StageKind k) {
    for (const auto& [kind, name] : kStageKinds) {
        if (kind == k) return name;
    }
    return "open";
}

std::optional<StageKind> ParseStageKind(std::string_view text) {
    for (const auto& [kind, name] : kStageKinds) {
        if (name == text) return kind;
    }
    return std::nullopt;
}

std::vector<Stage> DefaultStages() {
    return {{"new", "New", StageKind::kOpen},
            {"qualified", "Qualified", StageKind::kOpen},
            {"proposal", "Proposal", StageKind::kOpen},
            {"won", "Won", StageKind::kWon},
            {"lost", "Lost", StageKind::kLost}};
}

Result<Program> NewProgram(const ProgramFields& fields, ProgramId id, TimePoint now) {
    FieldErrors errors;
    if (!fields.name) errors.Add("name", "is required");
    if (!fields.currency) errors.Add("currency", "is required");
    if (!fields.destination_domains) errors.Add("destination_domains", "is required");
    if (auto r = errors.ToResult(); !r) return Fail(r.error());

    Program p;
    p.id = std::move(id);
    p.created_at = now;
    p.updated_at = now;
    if (auto currency = Currency::Parse(*fields.currency)) {
        p.currency = *currency;
    } else {
        errors.Add("currency", "must be an ISO 4217 code in upper case, such as EUR");
    }
    p.stages = DefaultStages();
    ProgramFields rest = fields;
    rest.currency.reset();
    auto patched = PatchProgram(std::move(p), rest, now);
    if (!patched) {
        for (const auto& f : patched.error().fields()) errors.Add(f.field, f.message);
    }
    if (auto r = errors.ToResult(); !r) return Fail(r.error());
    return patched;
}

Result<Program> PatchProgram(Program program, const ProgramFields& patch, TimePoint now) {
    FieldErrors errors;
    if (patch.name && CheckText(errors, "name", *patch.name, Program::kMaxNameLength)) program.name = Trim(*patch.name);
    if (patch.currency && *patch.currency != program.currency.code()) {
        errors.Add("currency", "cannot be changed after the program is created");
    }
    if (patch.destination_domains) {
        auto domains = *patch.destination_domains;
        CheckDomains(errors, domains);
        program.destination_domains = std::move(domains);
    }
    if (patch.attribution) {
        AttributionSettings next = program.attribution;
        if (patch.attribution->model) next.model = *patch.attribution->model;
        if (patch.attribution->window_days) next.window_days = *patch.attribution->window_days;
        CheckAttribution(errors, next);
        program.attribution = next;
    }
    if (patch.sticky_customers) program.sticky_customers = *patch.sticky_customers;
    if (patch.commission) {
        if (auto ok = ValidateCommissionPlan(*patch.commission); !ok) {
            for (const auto& f : ok.error().fields()) errors.Add("commission." + f.field, f.message);
        } else {
            program.commission = *patch.commission;
        }
    }
    if (patch.stages) {
        CheckStages(errors, *patch.stages);
        program.stages = *patch.stages;
    }
    if (auto r = errors.ToResult(); !r) return Fail(r.error());
    program.updated_at = now;
    return program;
}

}  // namespace rt::core
