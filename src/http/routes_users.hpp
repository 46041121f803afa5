#pragma once

#include <string>

#include "app/session_service.hpp"
#include "app/user_service.hpp"
#include "http/api_support.hpp"
#include "http/router.hpp"

namespace rt::http {

// What the user and session routes call; owned by the composition root.
struct UsersContext {
    app::UserService& users;
    app::SessionService& sessions;
    Authenticator auth;           // with the SessionService and the session cookie's name
    std::string public_base_url;  // where the web UI serves /invite/<token>; no trailing slash
    bool secure_cookies = false;  // the public URL is https: the cookie is Secure and named __Host-rt_session
};

// The people who log in (docs/api.md, "Users, sessions and CSRF"):
// POST /api/v1/session (log in; rate-limited, 429 with Retry-After), GET /api/v1/session (who is logged in),
// DELETE /api/v1/session (log out; needs X-CSRF-Token); POST and GET /api/v1/users (admins: create a user
// with an invite link, list users); POST /api/v1/invites/{token}/accept (set the password, logged in).
// Login and invite acceptance answer the session body and set the session cookie:
// `<name>=<token>; HttpOnly; SameSite=Lax; Path=/` (+ `; Secure` when secure_cookies).
void AddUserRoutes(Router& router, UsersContext& ctx);

// {"id", "object": "user", "email", "role", "partner_id" (null for admins), "status", "password_set",
// "created_at", "updated_at"}; never the password hash.
nlohmann::json UserJson(const core::User& user);

}  // namespace rt::http
