#pragma once

#include <optional>
#include <string_view>

#include "app/deps.hpp"
#include "app/principal.hpp"
#include "core/page.hpp"
#include "core/partner.hpp"

namespace rt::app {

struct PartnerListFilter {
    std::optional<std::string> program_id;  // as given by the caller; unknown ids give an empty list
};

// Partners: admins manage them; a partner key sees only itself and may change its own name and
// email (not its status or group); ingest keys nothing. Blocking; thread-safe.
class PartnerService {
  public:
    explicit PartnerService(Deps deps) : deps_(deps) {}

    // kInvalid when program_id is missing or unknown; kConflict when the email is taken in the program.
    core::Result<core::Partner> Create(const Principal& who, const core::PartnerFields& fields);
    core::Result<core::Partner> Get(const Principal& who, std::string_view id);
    core::Result<core::Partner> Patch(const Principal& who, std::string_view id, const core::PartnerFields& patch);
    core::Result<core::Page<core::Partner>> List(const Principal& who, const PartnerListFilter& filter,
                                                 const core::PageRequest& page);

  private:
    Deps deps_;
};

// The ledger payload of a partner's state: status and group; never its name or email.
std::vector<std::pair<std::string, std::string>> EventFields(const core::Partner& partner);

}  // namespace rt::app
