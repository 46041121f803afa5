#pragma once

#include <optional>
#include <string>

#include "app/principal.hpp"
#include "ports/store.hpp"

namespace rt::app {

// The list filter a caller may use: the program and partner ids it asked for (checked), narrowed to
// its own partner for partner keys and to its program for ingest keys. nullopt when the caller asked
// for someone else's objects: the answer is then an empty list, as if there were none. kInvalid for
// malformed ids.
core::Result<std::optional<ports::FunnelFilter>> ScopedFunnelFilter(const Principal& who,
                                                                    const std::optional<std::string>& program_id,
                                                                    const std::optional<std::string>& partner_id);

}  // namespace rt::app
