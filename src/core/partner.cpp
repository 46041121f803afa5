#include "core/partner.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "core/url.hpp"

namespace rt::core {

namespace {

constexpr std::pair<PartnerStatus, std::string_view> kStatuses[] = {
    {PartnerStatus::kPending, "pending"},
    {PartnerStatus::kActive, "active"},
    {PartnerStatus::kSuspended, "suspended"},
};

}  // namespace

std::string_view ToString(PartnerStatus s) {
    for (const auto& [status, name] : kStatuses) {
        if (status == s) return name;
    }
    return "active";
}

std::optional<PartnerStatus> ParsePartnerStatus(std::string_view text) {
    for (const auto& [status, name] : kStatuses) {
        if (name == text) return status;
    }
    return std::nullopt;
}

bool IsEmail(std::string_view email) {
    if (email.size() > 254) return false;
    const std::size_t at = email.find('@');
    if (at == std::string_view::npos || at == 0 || at > 64 || email.find('@', at + 1) != std::string_view::npos) {
        return false;
    }
    const std::string_view local = email.substr(0, at);
    const bool local_ok = std::all_of(local.begin(), local.end(), [](unsigned char c) {
        return c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '<' && c != '>' && c != ',' && c != ';' &&
               c != ':' && c != '\\' && c != '"' && c != '[' && c != ']';
    });
    if (!local_ok || local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
        return false;
    }
    return IsHostName(ToLower(email.substr(at + 1)));
}

Result<Partner> NewPartner(const PartnerFields& fields, PartnerId id, ProgramId program_id, TimePoint now) {
    FieldErrors errors;
    if (!fields.name) errors.Add("name", "is required");
    if (!fields.email) errors.Add("email", "is required");
    if (auto r = errors.ToResult(); !r) return Fail(r.error());
    Partner p;
    p.id = std::move(id);
    p.program_id = std::move(program_id);
    p.created_at = now;
    PartnerFields rest = fields;
    rest.program_id.reset();
    return PatchPartner(std::move(p), rest, now);
}

Result<Partner> PatchPartner(Partner partner, const PartnerFields& patch, TimePoint now) {
    FieldErrors errors;
    if (patch.program_id && *patch.program_id != partner.program_id.str()) {
        errors.Add("program_id", "cannot be changed");
    }
    if (patch.name && CheckText(errors, "name", *patch.name, Partner::kMaxNameLength)) partner.name = Trim(*patch.name);
    if (patch.email) {
        const std::string email = ToLower(Trim(*patch.email));
        if (IsEmail(email)) {
            partner.email = email;
        } else {
            errors.Add("email", "must be an email address such as ada@example.com");
        }
    }
    if (patch.status) {
        if (auto status = ParsePartnerStatus(*patch.status)) {
            partner.status = *status;
        } else {
            errors.Add("status", "must be one of pending, active, suspended");
        }
    }
    if (patch.group) {
        if (patch.group->empty()) {
            partner.group.clear();
        } else if (CheckSlug(errors, "group", *patch.group, Partner::kMaxGroupLength)) {
            partner.group = *patch.group;
        }
    }
    if (auto r = errors.ToResult(); !r) return Fail(r.error());
    partner.updated_at = now;
    return partner;
}

}  // namespace rt::core
