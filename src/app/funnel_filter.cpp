#include "app/funnel_filter.hpp"

namespace rt::app {

core::Result<std::optional<ports::FunnelFilter>> ScopedFunnelFilter(const Principal& who,
                                                                    const std::optional<std::string>& program_id,
                                                                    const std::optional<std::string>& partner_id) {
    using Out = std::optional<ports::FunnelFilter>;
    ports::FunnelFilter filter;
    if (program_id) {
        filter.program_id = core::ProgramId::Parse(*program_id);
        if (!filter.program_id) return core::Fail(core::Error::Invalid("program_id", "is not a program id"));
    }
    if (partner_id) {
        filter.partner_id = core::PartnerId::Parse(*partner_id);
        if (!filter.partner_id) return core::Fail(core::Error::Invalid("partner_id", "is not a partner id"));
    }
    if (const auto* own = who.partner()) {
        if (filter.partner_id && filter.partner_id->str() != *own) return Out();
        filter.partner_id = core::PartnerId::FromTrusted(*own);
    }
    if (who.scope.kind == core::Scope::Kind::kIngest) {
        if (filter.program_id && filter.program_id->str() != who.scope.target) return Out();
        filter.program_id = core::ProgramId::FromTrusted(who.scope.target);
    }
    return Out(filter);
}

}  // namespace rt::app
