#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "app/deps.hpp"
#include "app/principal.hpp"
#include "core/api_key.hpp"
#include "ports/hasher.hpp"

namespace rt::app {

struct CreatedKey {
    core::ApiKeyRecord record;
    std::string token;  // shown once; only its hash is stored
};

// API keys: creation (from the CLI) and authentication of presented tokens.
// Verifying a token costs one Argon2id hash (tens of ms), so verified tokens are remembered by a keyed
// fingerprint for `cache_ttl`; a deleted key may thus keep working for up to that long on a running
// server. At most one verification per token runs at a time: concurrent requests presenting it (say, every
// request in flight when its cache entry expires) wait for that one's result instead of each running Argon2id.
// Thread-safe; blocking.
class KeyService {
  public:
    static constexpr std::size_t kMaxCachedKeys = 10'000;

    KeyService(Deps deps, ports::SecretHasher& hasher, std::chrono::milliseconds cache_ttl = std::chrono::seconds(60))
        : deps_(deps), hasher_(hasher), cache_ttl_ms_(cache_ttl.count()) {}

    // kInvalid when the scope's partner or program does not exist or the name is too long.
    core::Result<CreatedKey> Create(const core::Scope& scope, std::string_view name);

    // kUnauthenticated for a token that is malformed, unknown or wrong (one message for all three).
    core::Result<Principal> Authenticate(std::string_view token);
    // The principal of a token Authenticate verified within cache_ttl, without blocking (no database read,
    // no Argon2id, no waiting for a verification under way); nullopt when Authenticate has the answer.
    std::optional<Principal> Cached(std::string_view token);

    // Deletes every key of this name (used to rotate the key `make run` prints); returns how many.
    core::Result<int> DeleteByName(std::string_view name);

  private:
    struct Verified {
        Principal principal;
        std::int64_t expires_ms;
    };

    // A verification under way; its waiters hold it until they read the result.
    struct Flight {
        std::optional<core::Result<Principal>> result;  // guarded by mu_
        std::condition_variable done;
    };

    // Reads the key and runs Argon2id: the work one Flight does.
    core::Result<Principal> Verify(const core::ApiKeyId& id, std::string_view token);

    Deps deps_;
    ports::SecretHasher& hasher_;
    std::int64_t cache_ttl_ms_;
    std::mutex mu_;
    std::unordered_map<std::string, Verified> verified_;                  // by fingerprint
    std::unordered_map<std::string, std::shared_ptr<Flight>> in_flight_;  // by fingerprint
    std::uint64_t deletions_ = 0;  // guarded by mu_: a verification that began before a deletion is not cached
};

}  // namespace rt::app
