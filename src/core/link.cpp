#include "core/link.hpp"

#include "core/referral_code.hpp"
#include "core/text.hpp"
#include "core/url.hpp"

namespace rt::core {

namespace {

constexpr std::pair<LinkStatus, std::string_view> kStatuses[] = {
    {LinkStatus::kActive, "active"},
    {LinkStatus::kDisabled, "disabled"},
};

void CheckDestination(FieldErrors& errors, const std::string& destination,
                      const std::vector<std::string>& allowed_domains) {
    if (destination.size() > Link::kMaxDestinationLength) {
        errors.Add("destination", "must be at most " + std::to_string(Link::kMaxDestinationLength) + " bytes long");
        return;
    }
    const auto url = ParseHttpUrl(destination);
    if (!url) {
        errors.Add("destination", "must be an absolute http or https URL without user name, password or spaces");
        return;
    }
    if (!HostAllowed(url->host, allowed_domains)) {
        errors.Add("destination", "host " + url->host + " is not one of the program's destination_domains");
    }
}

// An optional free-text attribute: empty clears it.
void SetOptionalText(FieldErrors& errors, std::string_view field, const std::optional<std::string>& value,
                     std::size_t max_length, std::string& target) {
    if (!value) return;
    if (Trim(*value).empty()) {
        target.clear();
    } else if (CheckText(errors, field, *value, max_length)) {
        target = Trim(*value);
    }
}

}  // namespace

std::string_view ToString(LinkStatus s) {
    for (const auto& [status, name] : kStatuses) {
        if (status == s) return name;
    }
    return "active";
}

std::optional<LinkStatus> ParseLinkStatus(std::string_view text) {
    for (const auto& [status, name] : kStatuses) {
        if (name == text) return status;
    }
    return std::nullopt;
}

Result<Link> NewLink(const LinkFields& fields, LinkId id, ProgramId program_id, PartnerId partner_id,
                     std::string generated_code, const std::vector<std::string>& allowed_domains, TimePoint now) {
    if (!fields.destination) return Fail(Error::Invalid("destination", "is required"));
    Link link;
    link.id = std::move(id);
    link.program_id = std::move(program_id);
    link.partner_id = std::move(partner_id);
    link.code = std::move(generated_code);
    link.created_at = now;
    LinkFields rest = fields;
    rest.partner_id.reset();
    return PatchLink(std::move(link), rest, allowed_domains, now);
}

Result<Link> PatchLink(Link link, const LinkFields& patch, const std::vector<std::string>& allowed_domains,
                       TimePoint now) {
    FieldErrors errors;
    if (patch.partner_id && *patch.partner_id != link.partner_id.str()) errors.Add("partner_id", "cannot be changed");
    if (patch.destination) {
        CheckDestination(errors, *patch.destination, allowed_domains);
        link.destination = *patch.destination;
    }
    if (patch.code) {
        if (auto problem = VanityCodeProblem(*patch.code)) {
            errors.Add("code", *problem);
        } else {
            link.code = NormalizeCode(*patch.code);
        }
    }
    SetOptionalText(errors, "campaign", patch.campaign, Link::kMaxCampaignLength, link.campaign);
    SetOptionalText(errors, "channel", patch.channel, Link::kMaxChannelLength, link.channel);
    if (patch.status) {
        if (auto status = ParseLinkStatus(*patch.status)) {
            link.status = *status;
        } else {
            errors.Add("status", "must be active or disabled");
        }
    }
    if (auto r = errors.ToResult(); !r) return Fail(r.error());
    link.updated_at = now;
    return link;
}

}  // namespace rt::core
