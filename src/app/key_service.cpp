#include "app/key_service.hpp"

#include "core/text.hpp"

namespace rt::app {

namespace {

core::Error BadKey() { return core::Error::Unauthenticated("the API key is missing, malformed, unknown or revoked"); }

core::Result<void> CheckScopeTarget(ports::StoreTx& tx, const core::Scope& scope) {
    core::Result<void> found;
    if (scope.kind == core::Scope::Kind::kPartner) {
        auto p = tx.GetPartner(core::PartnerId::FromTrusted(scope.target));
        if (!p) found = core::Fail(p.error());
    } else if (scope.kind == core::Scope::Kind::kIngest) {
        auto p = tx.GetProgram(core::ProgramId::FromTrusted(scope.target));
        if (!p) found = core::Fail(p.error());
    }
    if (!found && found.error().code() == core::ErrorCode::kNotFound) {
        return core::Fail(core::Error::Invalid(
            "scope", "no such " + std::string(scope.kind == core::Scope::Kind::kPartner ? "partner" : "program")));
    }
    return found;
}

}  // namespace

core::Result<CreatedKey> KeyService::Create(const core::Scope& scope, std::string_view name) {
    core::FieldErrors errors;
    if (!name.empty()) core::CheckText(errors, "name", name, core::ApiKeyRecord::kMaxNameLength);
    if (auto r = errors.ToResult(); !r) return core::Fail(r.error());

    const auto now = deps_.clock.Now();
    auto token = core::NewApiKeyToken(now, deps_.random);
    CreatedKey out;
    out.record = {token.id, core::Trim(name), scope, hasher_.Hash(token.token), now};
    out.token = std::move(token.token);
    auto done = deps_.store.Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<void> {
        if (auto ok = CheckScopeTarget(tx, scope); !ok) return ok;
        return tx.InsertApiKey(out.record);
    });
    if (!done) return core::Fail(done.error());
    return out;
}

core::Result<Principal> KeyService::Authenticate(std::string_view token) {
    const auto id = core::ApiKeyIdOfToken(token);
    if (!id) return core::Fail(BadKey());
    const std::string fingerprint = hasher_.Fingerprint(token);
    const auto now_ms = deps_.clock.Now().unix_ms;
    std::unique_lock lock(mu_);
    if (auto it = verified_.find(fingerprint); it != verified_.end()) {
        if (it->second.expires_ms > now_ms) return it->second.principal;
        verified_.erase(it);
    }
    if (auto it = in_flight_.find(fingerprint); it != in_flight_.end()) {
        const auto flight = it->second;
        flight->done.wait(lock, [&] { return flight->result.has_value(); });
        return *flight->result;
    }
    const auto flight = std::make_shared<Flight>();
    in_flight_.emplace(fingerprint, flight);
    const auto deletions = deletions_;
    lock.unlock();
    auto result = Verify(*id, token);
    lock.lock();
    if (result && deletions == deletions_) {
        if (verified_.size() >= kMaxCachedKeys) verified_.clear();
        verified_[fingerprint] = {*result, now_ms + cache_ttl_ms_};
    }
    flight->result = result;
    in_flight_.erase(fingerprint);
    flight->done.notify_all();
    return result;
}

std::optional<Principal> KeyService::Cached(std::string_view token) {
    if (!core::ApiKeyIdOfToken(token)) return std::nullopt;
    const std::string fingerprint = hasher_.Fingerprint(token);
    const auto now_ms = deps_.clock.Now().unix_ms;
    std::lock_guard lock(mu_);
    const auto it = verified_.find(fingerprint);
    if (it == verified_.end() || it->second.expires_ms <= now_ms) return std::nullopt;
    return it->second.principal;
}

core::Result<Principal> KeyService::Verify(const core::ApiKeyId& id, std::string_view token) {
    auto record = ports::Transact<core::ApiKeyRecord>(deps_.store, ports::TxMode::kRead,
                                                      [&](ports::StoreTx& tx) { return tx.GetApiKey(id); });
    if (!record) {
        if (record.error().code() == core::ErrorCode::kNotFound) return core::Fail(BadKey());
        return core::Fail(record.error());
    }
    if (!hasher_.Verify(record->secret_hash, token)) return core::Fail(BadKey());
    return Principal{record->scope, record->id};
}

core::Result<int> KeyService::DeleteByName(std::string_view name) {
    auto n = ports::Transact<int>(deps_.store, ports::TxMode::kWrite,
                                  [&](ports::StoreTx& tx) { return tx.DeleteApiKeysByName(name); });
    if (n) {
        std::lock_guard lock(mu_);
        verified_.clear();
        ++deletions_;
    }
    return n;
}

}  // namespace rt::app
