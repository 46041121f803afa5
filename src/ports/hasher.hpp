#pragma once

#include <string>
#include <string_view>

namespace rt::ports {

// One-way hashing of secrets (API keys, passwords). Production: Argon2id via libsodium.
// Thread safety: safe from several threads. Blocking: Hash and Verify take tens of milliseconds.
class SecretHasher {
  public:
    virtual ~SecretHasher() = default;
    // The self-describing encoded hash (algorithm, parameters, salt, digest).
    virtual std::string Hash(std::string_view secret) = 0;
    virtual bool Verify(std::string_view encoded_hash, std::string_view secret) = 0;
    // A fast keyed digest of a secret for an in-memory cache of verified secrets. The key is random per
    // process, so fingerprints are worthless outside it. Never stored.
    virtual std::string Fingerprint(std::string_view secret) = 0;
};

}  // namespace rt::ports
