#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/event.hpp"
#include "core/ids.hpp"
#include "core/random.hpp"
#include "core/time.hpp"

// The people who log in to the dashboard and the partner portal: users, the one-time invites that let
// them set a password, and their sessions. Pure: hashing and randomness come in through the ports.
namespace rt::core {

struct UserTag {
    static constexpr std::string_view kPrefix = "usr_";
};
using UserId = Id<UserTag>;

// admin: everything, as an admin API key; partner: that one partner's objects, as a partner API key.
enum class UserRole { kAdmin, kPartner };
// A disabled user cannot log in, and its sessions stop working.
enum class UserStatus { kActive, kDisabled };

std::string_view ToString(UserRole role);
std::optional<UserRole> ParseUserRole(std::string_view text);
std::string_view ToString(UserStatus status);
std::optional<UserStatus> ParseUserStatus(std::string_view text);

struct User {
    static constexpr std::size_t kMinPasswordCharacters = 10;
    static constexpr std::size_t kMaxPasswordBytes = 128;

    UserId id;
    std::string email;  // lower-case; unique in the installation
    UserRole role = UserRole::kAdmin;
    std::optional<PartnerId> partner_id;  // set exactly when role is partner
    std::string password_hash;            // the SecretHasher's encoded Argon2id hash; empty until a password is set
    UserStatus status = UserStatus::kActive;
    TimePoint created_at;
    TimePoint updated_at;

    bool operator==(const User&) const = default;
};

// A user as requested: strings as the caller gave them.
struct UserFields {
    std::optional<std::string> email;
    std::optional<std::string> role;
    std::optional<std::string> partner_id;
};

// Validates a new user: email required (trimmed, lower-cased), role admin or partner, partner_id a partner id
// when the role is partner and absent otherwise. The partner's existence is the caller's concern. The user has
// no password yet. On failure kInvalid naming every bad field.
Result<User> NewUser(const UserFields& fields, UserId id, TimePoint now);

// kInvalid on field "password" unless `password` is valid UTF-8 of at least kMinPasswordCharacters characters
// (code points) and at most kMaxPasswordBytes bytes.
Result<void> CheckPassword(std::string_view password);

// A one-time link to set a password. Only the SHA-256 of its token is stored.
struct Invite {
    static constexpr std::int64_t kLifetimeMs = 7LL * 24 * 60 * 60 * 1000;  // 7 days

    std::string token_hash;  // HashToken of the token in the link
    UserId user_id;
    TimePoint created_at;
    TimePoint expires_at;              // created_at + kLifetimeMs
    std::optional<TimePoint> used_at;  // set once, when the password was set through it

    bool operator==(const Invite&) const = default;
};

// True while the invite may still be used: not used, and now < expires_at.
bool IsUsable(const Invite& invite, TimePoint now);

// A logged-in browser. Only the SHA-256 of its cookie's token is stored. It ends at the first of: logout,
// `expires_at` (absolute), or `idle_ms` without use after `last_seen_at`.
struct Session {
    static constexpr std::int64_t kLifetimeMs = 7LL * 24 * 60 * 60 * 1000;  // absolute: 7 days
    static constexpr std::int64_t kTouchIntervalMs = 60'000;  // last_seen_at is written at most this often

    std::string token_hash;  // HashToken of the cookie's token
    UserId user_id;
    std::string csrf_token;  // sent back in X-CSRF-Token on every write made with the cookie
    TimePoint created_at;
    TimePoint last_seen_at;  // slides the idle expiry
    TimePoint expires_at;    // created_at + kLifetimeMs

    bool operator==(const Session&) const = default;
};

// When the session ends if not used again: the earlier of expires_at and last_seen_at + idle_ms.
TimePoint SessionEnd(const Session& session, std::int64_t idle_ms);
// True once now >= SessionEnd.
bool IsExpired(const Session& session, TimePoint now, std::int64_t idle_ms);
// True when an authenticated use at `now` should write last_seen_at: once it is older than kTouchIntervalMs,
// or than half the idle timeout when that is shorter (so short timeouts still slide).
bool ShouldTouch(const Session& session, TimePoint now, std::int64_t idle_ms);

// A secret token for a cookie, an invite link or a CSRF header: 32 random bytes in unpadded base64url
// (43 characters of A-Z a-z 0-9 - _).
std::string NewSecretToken(Random& random);
// True for text of NewSecretToken's form (anything else cannot be one of ours).
bool IsSecretToken(std::string_view text);
// The stored form of a token: lower-case hex of its SHA-256.
std::string HashToken(std::string_view token, Digest& digest);

// Compares two strings in time that depends only on their lengths, not on where they differ (for secrets
// presented by a client).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace rt::core
