// The people who log in: SqlTx's methods for users, invites and sessions (schema v6).
#include <spdlog/spdlog.h>

#include "storage/sql/query.hpp"
#include "storage/sql/rows.hpp"
#include "storage/sql/sql_tx.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage::sql {

namespace {

using core::ErrorCode;

constexpr ConstraintError kUserConstraints[] = {
    {"users.id", ErrorCode::kConflict, kUserIdTaken},
    {"users.email", ErrorCode::kConflict, kUserEmailTaken},
    {kForeignKey, ErrorCode::kNotFound, kUserPartnerMissing},
};
constexpr ConstraintError kInviteConstraints[] = {
    {"invites.token_hash", ErrorCode::kConflict, kInviteTaken},
    {kForeignKey, ErrorCode::kNotFound, kInviteUserMissing},
};
constexpr ConstraintError kSessionConstraints[] = {
    {"sessions.token_hash", ErrorCode::kConflict, kSessionTaken},
    {kForeignKey, ErrorCode::kNotFound, kSessionUserMissing},
};

constexpr std::string_view kUserColumns = "id, email, role, partner_id, password_hash, status, created_at, updated_at";
constexpr std::string_view kInviteColumns = "token_hash, user_id, created_at, expires_at, used_at";
constexpr std::string_view kSessionColumns = "token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at";

core::Error CorruptUser(const std::string& id, std::string_view column) {
    spdlog::error("event=corrupt_row table=users id={} column={}", id, column);
    return core::Error::Internal("a stored users row could not be read; see the server log");
}

void BindUser(Statement& s, const core::User& u) {
    s.Bind(1, u.id.str()).Bind(2, u.email).Bind(3, core::ToString(u.role));
    if (u.partner_id) {
        s.Bind(4, u.partner_id->str());
    } else {
        s.BindNull(4);
    }
    s.Bind(5, u.password_hash).Bind(6, core::ToString(u.status));
    s.Bind(7, u.created_at.unix_ms).Bind(8, u.updated_at.unix_ms);
}

Result<core::User> ReadUser(const Statement& row) {
    core::User u;
    u.id = core::UserId::FromTrusted(row.Text(0));
    u.email = row.Text(1);
    auto role = core::ParseUserRole(row.Text(2));
    if (!role) return core::Fail(CorruptUser(u.id.str(), "role"));
    u.role = *role;
    if (!row.IsNull(3)) u.partner_id = core::PartnerId::FromTrusted(row.Text(3));
    u.password_hash = row.Text(4);
    auto status = core::ParseUserStatus(row.Text(5));
    if (!status) return core::Fail(CorruptUser(u.id.str(), "status"));
    u.status = *status;
    u.created_at = {row.Int(6)};
    u.updated_at = {row.Int(7)};
    return u;
}

Result<core::Invite> ReadInvite(const Statement& row) {
    return core::Invite{.token_hash = row.Text(0),
                        .user_id = core::UserId::FromTrusted(row.Text(1)),
                        .created_at = {row.Int(2)},
                        .expires_at = {row.Int(3)},
                        .used_at = ReadOptionalTime(row, 4)};
}

Result<core::Session> ReadSession(const Statement& row) {
    return core::Session{.token_hash = row.Text(0),
                         .user_id = core::UserId::FromTrusted(row.Text(1)),
                         .csrf_token = row.Text(2),
                         .created_at = {row.Int(3)},
                         .last_seen_at = {row.Int(4)},
                         .expires_at = {row.Int(5)}};
}

}  // namespace

Result<void> SqlTx::InsertUser(const core::User& user) {
    return Write(
        Concat({"INSERT INTO users (", kUserColumns, ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"}),
        [&](Statement& s) { BindUser(s, user); }, kUserConstraints);
}

Result<core::User> SqlTx::GetUser(const core::UserId& id) {
    return GetOne(conn_, Concat({"SELECT ", kUserColumns, " FROM users WHERE id = ?1"}), id.str(), &ReadUser,
                  kUserNotFound);
}

Result<std::optional<core::User>> SqlTx::FindUserByEmail(std::string_view email) {
    return FindOne(
        conn_, Concat({"SELECT ", kUserColumns, " FROM users WHERE email = ?1"}),
        [&](Statement& s) { s.Bind(1, email); }, &ReadUser);
}

Result<void> SqlTx::UpdateUser(const core::User& user) {
    return Write(
        "UPDATE users SET password_hash = ?2, status = ?3, updated_at = ?4 WHERE id = ?1",
        [&](Statement& s) {
            s.Bind(1, user.id.str()).Bind(2, user.password_hash).Bind(3, core::ToString(user.status));
            s.Bind(4, user.updated_at.unix_ms);
        },
        kUserConstraints, kUserNotFound);
}

Result<core::Page<core::User>> SqlTx::ListUsers(const core::PageRequest& page) {
    return ListPage(conn_, kUserColumns, "users", {}, page, &ReadUser);
}

Result<void> SqlTx::InsertInvite(const core::Invite& invite) {
    return Write(
        Concat({"INSERT INTO invites (", kInviteColumns, ") VALUES (?1, ?2, ?3, ?4, ?5)"}),
        [&](Statement& s) {
            s.Bind(1, invite.token_hash).Bind(2, invite.user_id.str());
            s.Bind(3, invite.created_at.unix_ms).Bind(4, invite.expires_at.unix_ms);
            BindOptionalTime(s, 5, invite.used_at);
        },
        kInviteConstraints);
}

Result<std::optional<core::Invite>> SqlTx::FindInvite(std::string_view token_hash) {
    return FindOne(
        conn_, Concat({"SELECT ", kInviteColumns, " FROM invites WHERE token_hash = ?1"}),
        [&](Statement& s) { s.Bind(1, token_hash); }, &ReadInvite);
}

Result<void> SqlTx::MarkInviteUsed(std::string_view token_hash, core::TimePoint at) {
    auto done = Write("UPDATE invites SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL",
                      [&](Statement& s) { s.Bind(1, token_hash).Bind(2, at.unix_ms); }, {});
    if (!done || conn_.Changes() > 0) return done;
    auto invite = FindInvite(token_hash);
    if (!invite) return core::Fail(invite.error());
    if (!*invite) return core::Fail(core::Error::NotFound(std::string(kInviteNotFound)));
    return core::Fail(core::Error::Conflict(std::string(kInviteUsed)));
}

Result<void> SqlTx::InsertSession(const core::Session& session) {
    return Write(
        Concat({"INSERT INTO sessions (", kSessionColumns, ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)"}),
        [&](Statement& s) {
            s.Bind(1, session.token_hash).Bind(2, session.user_id.str()).Bind(3, session.csrf_token);
            s.Bind(4, session.created_at.unix_ms).Bind(5, session.last_seen_at.unix_ms);
            s.Bind(6, session.expires_at.unix_ms);
        },
        kSessionConstraints);
}

Result<std::optional<core::Session>> SqlTx::FindSession(std::string_view token_hash) {
    return FindOne(
        conn_, Concat({"SELECT ", kSessionColumns, " FROM sessions WHERE token_hash = ?1"}),
        [&](Statement& s) { s.Bind(1, token_hash); }, &ReadSession);
}

Result<void> SqlTx::TouchSession(std::string_view token_hash, core::TimePoint last_seen_at) {
    return Write(
        "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1",
        [&](Statement& s) { s.Bind(1, token_hash).Bind(2, last_seen_at.unix_ms); }, {}, kSessionNotFound);
}

Result<void> SqlTx::DeleteSession(std::string_view token_hash) {
    return Write("DELETE FROM sessions WHERE token_hash = ?1", [&](Statement& s) { s.Bind(1, token_hash); }, {});
}

Result<int> SqlTx::DeleteExpiredSessions(core::TimePoint now, std::int64_t idle_ms) {
    // The same condition as core::IsExpired: now >= min(expires_at, last_seen_at + idle_ms).
    auto done = Write("DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at <= ?1 - ?2",
                      [&](Statement& s) { s.Bind(1, now.unix_ms).Bind(2, idle_ms); }, {});
    if (!done) return core::Fail(done.error());
    return conn_.Changes();
}

}  // namespace rt::storage::sql
