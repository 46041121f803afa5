#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "app/deps.hpp"
#include "app/login_throttle.hpp"
#include "app/principal.hpp"
#include "core/user.hpp"
#include "ports/hasher.hpp"

namespace rt::app {

struct SessionOptions {
    // A session not used for this long ends (session_idle_seconds; default 12 h). Each authenticated use slides
    // it, written at most once a minute (core::ShouldTouch), so the idle end is exact to about a minute.
    std::int64_t idle_ms = 43'200'000;
    LoginThrottle::Options throttle;  // failed logins per email and per client address
    // Expired sessions are deleted during a login at most this often.
    std::int64_t cleanup_interval_ms = 10 * 60'000;
};

// A logged-in user, as a request sees it.
struct CurrentSession {
    core::User user;
    core::Session session;
    // What the session may do: an admin user as core::Scope::Admin(), a partner user as
    // core::Scope::ForPartner. Its key_id holds the user id ("usr_…"), so Idempotency-Keys are per user.
    Principal principal;
};

// A session just begun: the token goes into the cookie, only its SHA-256 is stored.
struct StartedSession {
    CurrentSession current;
    std::string token;
};

// The answer to a login: a session, or a refusal by the rate limit.
struct LoginOutcome {
    std::optional<StartedSession> started;
    std::int64_t retry_after_ms = 0;  // > 0 when refused: the attempt was not checked; try again after this
};

// Sessions of the dashboard and the partner portal: login (rate-limited), authentication of a session
// token, logout. Sessions live in the store, so every node and process sees them; the rate limit lives in
// this object's memory. Blocking (the database, Argon2id); thread-safe.
class SessionService {
  public:
    SessionService(Deps deps, ports::SecretHasher& hasher, SessionOptions options = {})
        : deps_(deps), hasher_(hasher), options_(options), throttle_(options.throttle) {}

    // Checks the email and password. Refused by the rate limit (LoginOutcome::retry_after_ms) when the email
    // or the client address had LoginThrottle::Options::max_failures failures within its window: the password
    // is then not even checked. kUnauthenticated, one message for every cause, when the email is unknown, the
    // password wrong or unset, or the user disabled; each such failure counts for the email and the client.
    // `client` is the caller's address (only kept in memory, for the rate limit).
    core::Result<LoginOutcome> Login(std::string_view email, std::string_view password, std::string_view client);

    // Begins a session for `user` (after a login, or after setting a password through an invite).
    core::Result<StartedSession> Start(const core::User& user);

    // The session of a cookie's token, its idle expiry slid when due. kUnauthenticated, one message for every
    // cause, when the token is malformed or unknown, the session expired or logged out, or the user disabled.
    core::Result<CurrentSession> Authenticate(std::string_view token);

    // Ends the session of `token` (no error when there is none).
    core::Result<void> Logout(std::string_view token);

    std::int64_t idle_ms() const { return options_.idle_ms; }

  private:
    // A hash that matches no password, verified for unknown emails so that they take as long as known ones.
    const std::string& DecoyHash();

    Deps deps_;
    ports::SecretHasher& hasher_;
    SessionOptions options_;
    LoginThrottle throttle_;
    std::once_flag decoy_once_;
    std::string decoy_hash_;
    std::mutex cleanup_mu_;
    std::int64_t last_cleanup_ms_ = 0;  // guarded by cleanup_mu_
};

// What a user may do: admin → core::Scope::Admin(); partner → core::Scope::ForPartner(its partner).
Principal PrincipalOf(const core::User& user);

}  // namespace rt::app
