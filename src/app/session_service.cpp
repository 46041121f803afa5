#include "app/session_service.hpp"

#include <array>

#include "core/text.hpp"

namespace rt::app {

namespace {

core::Error BadLogin() { return core::Error::Unauthenticated("the email or password is wrong"); }
core::Error NoSession() { return core::Error::Unauthenticated("not logged in, or the session expired; log in again"); }

}  // namespace

Principal PrincipalOf(const core::User& user) {
    const auto key_id = core::ApiKeyId::FromTrusted(user.id.str());
    if (user.role == core::UserRole::kPartner && user.partner_id) {
        return {core::Scope::ForPartner(*user.partner_id), key_id};
    }
    return {core::Scope::Admin(), key_id};
}

const std::string& SessionService::DecoyHash() {
    std::call_once(decoy_once_, [this] { decoy_hash_ = hasher_.Hash(core::NewSecretToken(deps_.random)); });
    return decoy_hash_;
}

core::Result<LoginOutcome> SessionService::Login(std::string_view email_text, std::string_view password,
                                                 std::string_view client) {
    const std::string email = core::ToLower(core::Trim(email_text));
    const std::array<std::string, 2> keys{"email:" + email, "client:" + std::string(client)};
    if (const auto wait = throttle_.RetryAfterMs(keys, deps_.clock.Now()); wait > 0) {
        return LoginOutcome{.retry_after_ms = wait};
    }
    auto user = ports::Transact<std::optional<core::User>>(
        deps_.store, ports::TxMode::kRead, [&](ports::StoreTx& tx) { return tx.FindUserByEmail(email); });
    if (!user) return core::Fail(user.error());

    const bool can_log_in = user->has_value() && !(*user)->password_hash.empty() &&
                            (*user)->status == core::UserStatus::kActive &&
                            password.size() <= core::User::kMaxPasswordBytes;
    // Unknown emails verify against a decoy, so that the answer takes as long and says nothing more.
    const bool verified = hasher_.Verify(can_log_in ? (*user)->password_hash : DecoyHash(), password);
    if (!can_log_in || !verified) {
        throttle_.RecordFailure(keys, deps_.clock.Now());
        return core::Fail(BadLogin());
    }
    throttle_.Reset(keys[0]);
    auto started = Start(**user);
    if (!started) return core::Fail(started.error());
    return LoginOutcome{.started = std::move(*started)};
}

core::Result<StartedSession> SessionService::Start(const core::User& user) {
    const auto now = deps_.clock.Now();
    StartedSession out;
    out.token = core::NewSecretToken(deps_.random);
    out.current.user = user;
    out.current.principal = PrincipalOf(user);
    out.current.session = {.token_hash = core::HashToken(out.token, deps_.digest),
                           .user_id = user.id,
                           .csrf_token = core::NewSecretToken(deps_.random),
                           .created_at = now,
                           .last_seen_at = now,
                           .expires_at = {now.unix_ms + core::Session::kLifetimeMs}};
    bool cleanup = false;
    {
        std::lock_guard lock(cleanup_mu_);
        if (now.unix_ms - last_cleanup_ms_ >= options_.cleanup_interval_ms) {
            cleanup = true;
            last_cleanup_ms_ = now.unix_ms;
        }
    }
    auto done = deps_.store.Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<void> {
        if (cleanup) {
            if (auto deleted = tx.DeleteExpiredSessions(now, options_.idle_ms); !deleted) {
                return core::Fail(deleted.error());
            }
        }
        return tx.InsertSession(out.current.session);
    });
    if (!done) return core::Fail(done.error());
    return out;
}

core::Result<CurrentSession> SessionService::Authenticate(std::string_view token) {
    if (!core::IsSecretToken(token)) return core::Fail(NoSession());
    const std::string token_hash = core::HashToken(token, deps_.digest);
    auto found = ports::Transact<std::optional<CurrentSession>>(
        deps_.store, ports::TxMode::kRead, [&](ports::StoreTx& tx) -> core::Result<std::optional<CurrentSession>> {
            auto session = tx.FindSession(token_hash);
            if (!session) return core::Fail(session.error());
            if (!*session) return std::optional<CurrentSession>();
            auto user = tx.GetUser((*session)->user_id);
            if (!user) return core::Fail(user.error());
            return std::optional<CurrentSession>(CurrentSession{*user, **session, PrincipalOf(*user)});
        });
    if (!found) return core::Fail(found.error());
    if (!*found) return core::Fail(NoSession());
    CurrentSession& current = **found;
    const auto now = deps_.clock.Now();
    if (core::IsExpired(current.session, now, options_.idle_ms) || current.user.status != core::UserStatus::kActive) {
        return core::Fail(NoSession());
    }
    if (core::ShouldTouch(current.session, now, options_.idle_ms)) {
        auto touched = deps_.store.Transact(ports::TxMode::kWrite,
                                            [&](ports::StoreTx& tx) { return tx.TouchSession(token_hash, now); });
        if (!touched) {
            if (touched.error().code() == core::ErrorCode::kNotFound) return core::Fail(NoSession());  // logged out
            return core::Fail(touched.error());
        }
        current.session.last_seen_at = now;
    }
    return std::move(current);
}

core::Result<void> SessionService::Logout(std::string_view token) {
    if (!core::IsSecretToken(token)) return {};
    const std::string token_hash = core::HashToken(token, deps_.digest);
    return deps_.store.Transact(ports::TxMode::kWrite,
                                [&](ports::StoreTx& tx) { return tx.DeleteSession(token_hash); });
}

}  // namespace rt::app
