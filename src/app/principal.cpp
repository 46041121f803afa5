#include "app/principal.hpp"

#include <string>

namespace rt::app {

core::Result<void> RequireAdmin(const Principal& principal, std::string_view what) {
    if (principal.is_admin()) return {};
    return core::Fail(core::Error::Forbidden("only an admin key may " + std::string(what)));
}

core::Result<void> RejectIngest(const Principal& principal) {
    if (principal.scope.kind != core::Scope::Kind::kIngest) return {};
    return core::Fail(core::Error::Forbidden("an ingest key may only record referrals and conversions"));
}

}  // namespace rt::app
