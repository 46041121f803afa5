#include "storage/sql/rows.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "storage/commission_plan_json.hpp"

namespace rt::storage::sql {

namespace {

using nlohmann::json;

core::Error Corrupt(std::string_view table, std::string_view id, std::string_view column) {
    spdlog::error("event=corrupt_row table={} id={} column={}", table, id, column);
    return core::Error::Internal("a stored " + std::string(table) + " row could not be read; see the server log");
}

std::string Dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string EncodeStages(const std::vector<core::Stage>& stages) {
    json out = json::array();
    for (const auto& s : stages) {
        out.push_back({{"key", s.key}, {"name", s.name}, {"kind", std::string(core::ToString(s.kind))}});
    }
    return Dump(out);
}

// nullopt when `text` is not a JSON array of strings.
std::optional<std::vector<std::string>> DecodeStrings(const std::string& text) {
    const json parsed = json::parse(text, nullptr, false);
    if (!parsed.is_array()) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& item : parsed) {
        if (!item.is_string()) return std::nullopt;
        out.push_back(item.get<std::string>());
    }
    return out;
}

// nullopt when `text` is not a JSON array of {key, name, kind} objects with a known kind.
std::optional<std::vector<core::Stage>> DecodeStages(const std::string& text) {
    const json parsed = json::parse(text, nullptr, false);
    if (!parsed.is_array()) return std::nullopt;
    std::vector<core::Stage> out;
    for (const auto& item : parsed) {
        const auto key = item.find("key"), name = item.find("name"), kind = item.find("kind");
        if (!item.is_object() || key == item.end() || name == item.end() || kind == item.end() || !key->is_string() ||
            !name->is_string() || !kind->is_string()) {
            return std::nullopt;
        }
        auto parsed_kind = core::ParseStageKind(kind->get<std::string>());
        if (!parsed_kind) return std::nullopt;
        out.push_back({key->get<std::string>(), name->get<std::string>(), *parsed_kind});
    }
    return out;
}

core::TimePoint Time(const Statement& row, int column) { return {row.Int(column)}; }

}  // namespace

void BindOptionalTime(Statement& statement, int index, const std::optional<core::TimePoint>& time) {
    if (time) {
        statement.Bind(index, time->unix_ms);
    } else {
        statement.BindNull(index);
    }
}

std::optional<core::TimePoint> ReadOptionalTime(const Statement& row, int column) {
    if (row.IsNull(column)) return std::nullopt;
    return Time(row, column);
}

void BindProgram(Statement& statement, const core::Program& program) {
    statement.Bind(1, program.id.str())
        .Bind(2, program.name)
        .Bind(3, program.currency.code())
        .Bind(4, Dump(json(program.destination_domains)))
        .Bind(5, core::ToString(program.attribution.model))
        .Bind(6, std::int64_t{program.attribution.window_days})
        .Bind(7, EncodeStages(program.stages))
        .Bind(8, program.created_at.unix_ms)
        .Bind(9, program.updated_at.unix_ms)
        .Bind(10, std::int64_t{program.sticky_customers ? 1 : 0})
        .Bind(11, EncodeCommissionPlan(program.commission));
}

Result<core::Program> ReadProgram(const Statement& row) {
    core::Program p;
    p.id = core::ProgramId::FromTrusted(row.Text(0));
    p.name = row.Text(1);
    p.currency = core::Currency::FromTrusted(row.Text(2));
    auto domains = DecodeStrings(row.Text(3));
    if (!domains) return core::Fail(Corrupt("programs", p.id.str(), "destination_domains"));
    p.destination_domains = std::move(*domains);
    auto model = core::ParseAttributionModel(row.Text(4));
    if (!model) return core::Fail(Corrupt("programs", p.id.str(), "attribution_model"));
    p.attribution = {*model, static_cast<int>(row.Int(5))};
    auto stages = DecodeStages(row.Text(6));
    if (!stages) return core::Fail(Corrupt("programs", p.id.str(), "stages"));
    p.stages = std::move(*stages);
    p.created_at = Time(row, 7);
    p.updated_at = Time(row, 8);
    p.sticky_customers = row.Int(9) != 0;
    auto commission = DecodeCommissionPlan(row.Text(10));
    if (!commission) return core::Fail(Corrupt("programs", p.id.str(), "commission"));
    p.commission = std::move(*commission);
    return p;
}

void BindPartner(Statement& statement, const core::Partner& partner) {
    statement.Bind(1, partner.id.str())
        .Bind(2, partner.program_id.str())
        .Bind(3, partner.name)
        .Bind(4, partner.email)
        .Bind(5, core::ToString(partner.status))
        .Bind(6, partner.group)
        .Bind(7, partner.created_at.unix_ms)
        .Bind(8, partner.updated_at.unix_ms);
}

Result<core::Partner> ReadPartner(const Statement& row) {
    core::Partner p;
    p.id = core::PartnerId::FromTrusted(row.Text(0));
    p.program_id = core::ProgramId::FromTrusted(row.Text(1));
    p.name = row.Text(2);
    p.email = row.Text(3);
    auto status = core::ParsePartnerStatus(row.Text(4));
    if (!status) return core::Fail(Corrupt("partners", p.id.str(), "status"));
    p.status = *status;
    p.group = row.Text(5);
    p.created_at = Time(row, 6);
    p.updated_at = Time(row, 7);
    return p;
}

void BindLink(Statement& statement, const core::Link& link) {
    statement.Bind(1, link.id.str())
        .Bind(2, link.program_id.str())
        .Bind(3, link.partner_id.str())
        .Bind(4, link.code)
        .Bind(5, link.destination)
        .Bind(6, link.campaign)
        .Bind(7, link.channel)
        .Bind(8, core::ToString(link.status))
        .Bind(9, link.created_at.unix_ms)
        .Bind(10, link.updated_at.unix_ms);
}

Result<core::Link> ReadLink(const Statement& row) {
    core::Link l;
    l.id = core::LinkId::FromTrusted(row.Text(0));
    l.program_id = core::ProgramId::FromTrusted(row.Text(1));
    l.partner_id = core::PartnerId::FromTrusted(row.Text(2));
    l.code = row.Text(3);
    l.destination = row.Text(4);
    l.campaign = row.Text(5);
    l.channel = row.Text(6);
    auto status = core::ParseLinkStatus(row.Text(7));
    if (!status) return core::Fail(Corrupt("links", l.id.str(), "status"));
    l.status = *status;
    l.created_at = Time(row, 8);
    l.updated_at = Time(row, 9);
    return l;
}

void BindApiKey(Statement& statement, const core::ApiKeyRecord& key) {
    statement.Bind(1, key.id.str())
        .Bind(2, key.name)
        .Bind(3, core::ToString(key.scope))
        .Bind(4, key.secret_hash)
        .Bind(5, key.created_at.unix_ms);
}

Result<core::ApiKeyRecord> ReadApiKey(const Statement& row) {
    core::ApiKeyRecord k;
    k.id = core::ApiKeyId::FromTrusted(row.Text(0));
    k.name = row.Text(1);
    auto scope = core::ParseScope(row.Text(2));
    if (!scope) return core::Fail(Corrupt("api_keys", k.id.str(), "scope"));
    k.scope = std::move(*scope);
    k.secret_hash = row.Text(3);
    k.created_at = Time(row, 4);
    return k;
}

}  // namespace rt::storage::sql
