#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/deps.hpp"
#include "app/principal.hpp"
#include "core/page.hpp"
#include "core/user.hpp"
#include "ports/hasher.hpp"

namespace rt::app {

struct CreatedUser {
    core::User user;
    // The one-time token of the invite link (`<public_url>/invite/<token>`), shown once: only its SHA-256 is
    // stored. Empty when the user was created with a password.
    std::string invite_token;
};

// Users: the people who log in to the dashboard (role admin) and the partner portal (role partner). Admins
// create them, with a password (scripts, `reftrack users create --password-stdin`) or with an invite: a
// one-time link, valid for core::Invite::kLifetimeMs, through which the person sets a password.
//
// Ledger: `user.created` and `user.password_set` events (payload: role and partner_id, never the email) are
// appended to the program of a partner user's partner. An admin user belongs to no program, so its changes
// are not in any program's ledger.
//
// Blocking (the database, Argon2id); thread-safe.
class UserService {
  public:
    UserService(Deps deps, ports::SecretHasher& hasher) : deps_(deps), hasher_(hasher) {}

    // kForbidden unless `who` is an admin. kInvalid for bad fields, an unknown partner, or a `password` that
    // fails core::CheckPassword; kConflict when the email is taken. With a password the user can log in at
    // once; without, it gets an invite and cannot log in before using it.
    core::Result<CreatedUser> Create(const Principal& who, const core::UserFields& fields,
                                     const std::optional<std::string>& password);

    // Every user, newest first; kForbidden unless `who` is an admin. Users carry their password hash: callers
    // must never show it.
    core::Result<core::Page<core::User>> List(const Principal& who, const core::PageRequest& page);

    // Sets the password of the invite's user and uses the invite up; returns the user. kNotFound (one message
    // for all) for a token that is malformed, unknown, used or expired; then kInvalid for a password that
    // fails core::CheckPassword.
    core::Result<core::User> AcceptInvite(std::string_view token, std::string_view password);

    // For `serve --demo`, which hands out fresh credentials on every start: the user with `fields.email`
    // gets `password` — created as `fields` say when missing (without an invite), or, when it exists, its
    // password replaced (its role and partner stay). kInvalid as Create.
    core::Result<core::User> SetPasswordOrCreate(const core::UserFields& fields, const std::string& password);

  private:
    Deps deps_;
    ports::SecretHasher& hasher_;
};

}  // namespace rt::app
