#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"

namespace rt::core {

// pending: applied, not yet approved; active: may earn; suspended: gets no new links, coupons or
// referrals and earns no commission. Its existing links keep redirecting, so visitors still reach the shop.
enum class PartnerStatus { kPending, kActive, kSuspended };

std::string_view ToString(PartnerStatus s);
std::optional<PartnerStatus> ParsePartnerStatus(std::string_view text);

struct Partner {
    static constexpr std::size_t kMaxNameLength = 200;
    static constexpr std::size_t kMaxGroupLength = 64;

    PartnerId id;
    ProgramId program_id;
    std::string name;
    std::string email;  // lower-case; unique within the program
    PartnerStatus status = PartnerStatus::kActive;
    std::string group;  // tier or group slug; empty when none
    TimePoint created_at;
    TimePoint updated_at;
};

struct PartnerFields {
    std::optional<std::string> program_id;  // create only
    std::optional<std::string> name;
    std::optional<std::string> email;
    std::optional<std::string> status;
    std::optional<std::string> group;
};

// True for a plausible address: one '@', a non-empty local part of printable ASCII without spaces, a
// host name domain, at most 254 characters.
bool IsEmail(std::string_view email);

// Create: name and email required, status defaults to active. The program's existence is the
// caller's concern. On failure kInvalid naming every bad or missing field.
Result<Partner> NewPartner(const PartnerFields& fields, PartnerId id, ProgramId program_id, TimePoint now);

// Patch: program_id cannot change.
Result<Partner> PatchPartner(Partner partner, const PartnerFields& patch, TimePoint now);

}  // namespace rt::core
