// The memory store's users, invites and sessions.
#include "storage/memory/memory_query.hpp"
#include "storage/memory/memory_tx.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage {

Result<void> MemoryTx::InsertUser(const core::User& user) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    auto& t = **tables;
    if (t.users.contains(user.id)) return core::Fail(Conflict(kUserIdTaken));
    if (t.user_emails.contains(user.email)) return core::Fail(Conflict(kUserEmailTaken));
    if (user.partner_id && !t.partners.contains(*user.partner_id)) return core::Fail(NotFound(kUserPartnerMissing));
    t.users.emplace(user.id, user);
    t.user_emails.emplace(user.email, user.id);
    return {};
}

Result<core::User> MemoryTx::GetUser(const core::UserId& id) { return Find(read_.users, id, kUserNotFound); }

Result<std::optional<core::User>> MemoryTx::FindUserByEmail(std::string_view email) {
    auto it = read_.user_emails.find(email);
    if (it == read_.user_emails.end()) return std::optional<core::User>();
    return std::optional<core::User>(read_.users.at(it->second));
}

Result<void> MemoryTx::UpdateUser(const core::User& user) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    auto it = (*tables)->users.find(user.id);
    if (it == (*tables)->users.end()) return core::Fail(NotFound(kUserNotFound));
    it->second.password_hash = user.password_hash;
    it->second.status = user.status;
    it->second.updated_at = user.updated_at;
    return {};
}

Result<core::Page<core::User>> MemoryTx::ListUsers(const core::PageRequest& page) {
    return ListNewestFirst(read_.users, page, [](const core::User&) { return true; });
}

Result<void> MemoryTx::InsertInvite(const core::Invite& invite) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    auto& t = **tables;
    if (t.invites.contains(invite.token_hash)) return core::Fail(Conflict(kInviteTaken));
    if (!t.users.contains(invite.user_id)) return core::Fail(NotFound(kInviteUserMissing));
    t.invites.emplace(invite.token_hash, invite);
    return {};
}

Result<std::optional<core::Invite>> MemoryTx::FindInvite(std::string_view token_hash) {
    auto it = read_.invites.find(token_hash);
    if (it == read_.invites.end()) return std::optional<core::Invite>();
    return std::optional<core::Invite>(it->second);
}

Result<void> MemoryTx::MarkInviteUsed(std::string_view token_hash, core::TimePoint at) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    auto it = (*tables)->invites.find(token_hash);
    if (it == (*tables)->invites.end()) return core::Fail(NotFound(kInviteNotFound));
    if (it->second.used_at) return core::Fail(Conflict(kInviteUsed));
    it->second.used_at = at;
    return {};
}

Result<void> MemoryTx::InsertSession(const core::Session& session) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    auto& t = **tables;
    if (t.sessions.contains(session.token_hash)) return core::Fail(Conflict(kSessionTaken));
    if (!t.users.contains(session.user_id)) return core::Fail(NotFound(kSessionUserMissing));
    t.sessions.emplace(session.token_hash, session);
    return {};
}

Result<std::optional<core::Session>> MemoryTx::FindSession(std::string_view token_hash) {
    auto it = read_.sessions.find(token_hash);
    if (it == read_.sessions.end()) return std::optional<core::Session>();
    return std::optional<core::Session>(it->second);
}

Result<void> MemoryTx::TouchSession(std::string_view token_hash, core::TimePoint last_seen_at) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    auto it = (*tables)->sessions.find(token_hash);
    if (it == (*tables)->sessions.end()) return core::Fail(NotFound(kSessionNotFound));
    it->second.last_seen_at = last_seen_at;
    return {};
}

Result<void> MemoryTx::DeleteSession(std::string_view token_hash) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    if (auto it = (*tables)->sessions.find(token_hash); it != (*tables)->sessions.end()) (*tables)->sessions.erase(it);
    return {};
}

Result<int> MemoryTx::DeleteExpiredSessions(core::TimePoint now, std::int64_t idle_ms) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    return static_cast<int>(std::erase_if(
        (*tables)->sessions, [&](const auto& entry) { return core::IsExpired(entry.second, now, idle_ms); }));
}

}  // namespace rt::storage
