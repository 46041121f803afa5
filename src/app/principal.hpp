#pragma once

#include "core/api_key.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"

namespace rt::app {

// Who is calling: the scope of the API key that authenticated the request.
struct Principal {
    core::Scope scope;
    core::ApiKeyId key_id;

    bool is_admin() const { return scope.kind == core::Scope::Kind::kAdmin; }
    // The partner this principal acts for, or nullptr when it is not a partner key.
    const std::string* partner() const { return scope.kind == core::Scope::Kind::kPartner ? &scope.target : nullptr; }
};

// kForbidden unless the principal is an admin. `what` names the operation in the message.
core::Result<void> RequireAdmin(const Principal& principal, std::string_view what);

// kForbidden for ingest keys, which may only record referrals and conversions.
core::Result<void> RejectIngest(const Principal& principal);

}  // namespace rt::app
