#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/random.hpp"
#include "core/time.hpp"

namespace rt::core {

enum class LinkStatus { kActive, kDisabled };

std::string_view ToString(LinkStatus s);
std::optional<LinkStatus> ParseLinkStatus(std::string_view text);

struct Link {
    static constexpr std::size_t kMaxDestinationLength = 2048;
    static constexpr std::size_t kMaxCampaignLength = 100;
    static constexpr std::size_t kMaxChannelLength = 64;

    LinkId id;
    ProgramId program_id;
    PartnerId partner_id;
    std::string code;  // normalized (lower-case); unique across the installation
    std::string destination;
    std::string campaign;  // empty when none
    std::string channel;   // empty when none
    LinkStatus status = LinkStatus::kActive;
    TimePoint created_at;
    TimePoint updated_at;
};

struct LinkFields {
    std::optional<std::string> partner_id;  // create only
    std::optional<std::string> destination;
    std::optional<std::string> code;  // vanity code; generated when absent at create
    std::optional<std::string> campaign;
    std::optional<std::string> channel;
    std::optional<std::string> status;
};

// Create: destination required, an http(s) URL whose host is one of `allowed_domains`; `code` the
// vanity code if given, else `generated_code`. On failure kInvalid naming every bad field.
Result<Link> NewLink(const LinkFields& fields, LinkId id, ProgramId program_id, PartnerId partner_id,
                     std::string generated_code, const std::vector<std::string>& allowed_domains, TimePoint now);

// Patch: partner and program cannot change; a new destination is checked against `allowed_domains`.
Result<Link> PatchLink(Link link, const LinkFields& patch, const std::vector<std::string>& allowed_domains,
                       TimePoint now);

}  // namespace rt::core
