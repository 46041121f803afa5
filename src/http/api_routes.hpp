#pragma once

#include <string>

#include "app/key_service.hpp"
#include "app/link_service.hpp"
#include "app/partner_service.hpp"
#include "app/program_service.hpp"
#include "http/router.hpp"

namespace rt::http {

// The services the /api/v1 routes call; owned by the composition root.
struct ApiContext {
    app::ProgramService& programs;
    app::PartnerService& partners;
    app::LinkService& links;
    app::KeyService& keys;
    std::string public_base_url;  // where /r/{code} is served, without a trailing slash
};

void AddProgramRoutes(Router& router, ApiContext& api);
void AddPartnerRoutes(Router& router, ApiContext& api);
void AddLinkRoutes(Router& router, ApiContext& api);

}  // namespace rt::http
