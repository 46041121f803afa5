#pragma once

#include <string>

#include "app/link_service.hpp"
#include "app/partner_service.hpp"
#include "app/program_service.hpp"
#include "http/api_support.hpp"
#include "http/router.hpp"

namespace rt::http {

// The services the /api/v1 routes call; owned by the composition root.
struct ApiContext {
    app::ProgramService& programs;
    app::PartnerService& partners;
    app::LinkService& links;
    Authenticator keys;           // API keys, and session cookies when it has a SessionService
    std::string public_base_url;  // where /r/{code} is served, without a trailing slash
};

void AddProgramRoutes(Router& router, ApiContext& api);
void AddPartnerRoutes(Router& router, ApiContext& api);
void AddLinkRoutes(Router& router, ApiContext& api);

}  // namespace rt::http
