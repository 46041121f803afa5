#include "app/user_service.hpp"

#include "app/event_log.hpp"

namespace rt::app {

namespace {

core::Error BadInvite() { return core::Error::NotFound("the invite link is unknown, used or expired"); }

// The ledger payload of a user: ids and its role, never the email.
EventPayload UserEventFields(const core::User& user) {
    return {{"role", std::string(core::ToString(user.role))},
            {"partner_id", user.partner_id ? user.partner_id->str() : ""}};
}

// Appends `type` about a partner user to its partner's program; nothing for an admin user (no program).
core::Result<void> AppendUserEvent(const Deps& deps, ports::StoreTx& tx, const core::User& user, std::string type) {
    if (!user.partner_id) return {};
    auto partner = tx.GetPartner(*user.partner_id);
    if (!partner) return core::Fail(partner.error());
    auto event = AppendEvent(deps, tx, partner->program_id, std::move(type), user.id.str(), UserEventFields(user));
    if (!event) return core::Fail(event.error());
    return {};
}

}  // namespace

core::Result<CreatedUser> UserService::Create(const Principal& who, const core::UserFields& fields,
                                              const std::optional<std::string>& password) {
    if (auto ok = RequireAdmin(who, "manage users"); !ok) return core::Fail(ok.error());
    const auto now = deps_.clock.Now();
    auto user = core::NewUser(fields, core::UserId::Generate(now, deps_.random), now);
    if (!user) return core::Fail(user.error());
    if (password) {
        if (auto ok = core::CheckPassword(*password); !ok) return core::Fail(ok.error());
    }

    CreatedUser out{std::move(*user), {}};
    std::optional<core::Invite> invite;
    if (password) {
        out.user.password_hash = hasher_.Hash(*password);  // before the transaction: Argon2id takes a while
    } else {
        out.invite_token = core::NewSecretToken(deps_.random);
        invite = core::Invite{.token_hash = core::HashToken(out.invite_token, deps_.digest),
                              .user_id = out.user.id,
                              .created_at = now,
                              .expires_at = {now.unix_ms + core::Invite::kLifetimeMs}};
    }
    auto done = deps_.store.Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<void> {
        if (out.user.partner_id) {
            if (auto partner = tx.GetPartner(*out.user.partner_id); !partner) {
                if (partner.error().code() == core::ErrorCode::kNotFound) {
                    return core::Fail(core::Error::Invalid("partner_id", "no such partner"));
                }
                return core::Fail(partner.error());
            }
        }
        if (auto ok = tx.InsertUser(out.user); !ok) return ok;
        if (invite) {
            if (auto ok = tx.InsertInvite(*invite); !ok) return ok;
        }
        return AppendUserEvent(deps_, tx, out.user, "user.created");
    });
    if (!done) return core::Fail(done.error());
    return out;
}

core::Result<core::User> UserService::SetPasswordOrCreate(const core::UserFields& fields, const std::string& password) {
    const auto now = deps_.clock.Now();
    auto wanted = core::NewUser(fields, core::UserId::Generate(now, deps_.random), now);
    if (!wanted) return core::Fail(wanted.error());
    if (auto ok = core::CheckPassword(password); !ok) return core::Fail(ok.error());
    auto existing = ports::Transact<std::optional<core::User>>(
        deps_.store, ports::TxMode::kRead, [&](ports::StoreTx& tx) { return tx.FindUserByEmail(wanted->email); });
    if (!existing) return core::Fail(existing.error());
    if (!*existing) {
        auto created = Create(Principal{core::Scope::Admin(), {}}, fields, password);
        if (!created) return core::Fail(created.error());
        return created->user;
    }
    core::User user = **existing;
    user.password_hash = hasher_.Hash(password);
    user.updated_at = now;
    auto done = deps_.store.Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = tx.UpdateUser(user); !ok) return ok;
        return AppendUserEvent(deps_, tx, user, "user.password_set");
    });
    if (!done) return core::Fail(done.error());
    return user;
}

core::Result<core::Page<core::User>> UserService::List(const Principal& who, const core::PageRequest& page) {
    if (auto ok = RequireAdmin(who, "manage users"); !ok) return core::Fail(ok.error());
    using PageT = core::Page<core::User>;
    return ports::Transact<PageT>(deps_.store, ports::TxMode::kRead,
                                  [&](ports::StoreTx& tx) { return tx.ListUsers(page); });
}

core::Result<core::User> UserService::AcceptInvite(std::string_view token, std::string_view password) {
    if (!core::IsSecretToken(token)) return core::Fail(BadInvite());
    const std::string token_hash = core::HashToken(token, deps_.digest);
    auto usable = [&](ports::StoreTx& tx) -> core::Result<core::Invite> {
        auto invite = tx.FindInvite(token_hash);
        if (!invite) return core::Fail(invite.error());
        if (!*invite || !core::IsUsable(**invite, deps_.clock.Now())) return core::Fail(BadInvite());
        return **invite;
    };
    if (auto found = ports::Transact<core::Invite>(deps_.store, ports::TxMode::kRead, usable); !found) {
        return core::Fail(found.error());
    }
    if (auto ok = core::CheckPassword(password); !ok) return core::Fail(ok.error());
    const std::string password_hash = hasher_.Hash(password);  // outside the write transaction: it takes a while

    return ports::Transact<core::User>(
        deps_.store, ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<core::User> {
            auto invite = usable(tx);  // again: another request may have used it meanwhile
            if (!invite) return core::Fail(invite.error());
            const auto now = deps_.clock.Now();
            if (auto ok = tx.MarkInviteUsed(token_hash, now); !ok) return core::Fail(ok.error());
            auto user = tx.GetUser(invite->user_id);
            if (!user) return user;
            user->password_hash = password_hash;
            user->updated_at = now;
            if (auto ok = tx.UpdateUser(*user); !ok) return core::Fail(ok.error());
            if (auto ok = AppendUserEvent(deps_, tx, *user, "user.password_set"); !ok) return core::Fail(ok.error());
            return user;
        });
}

}  // namespace rt::app
