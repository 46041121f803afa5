#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>

#include "core/event.hpp"
#include "core/random.hpp"
#include "core/time.hpp"
#include "ports/hasher.hpp"

namespace rt::ports {

// The wall clock, UTC milliseconds.
class SystemClock final : public core::Clock {
  public:
    core::TimePoint Now() override;
};

// libsodium's CSPRNG (randombytes_buf). Call InitSodium() once before use.
// Small requests (ids draw 10 bytes, a code 4 per character) are served from a 512-byte block drawn from
// randombytes_buf, so that not every id costs a getrandom syscall; bytes handed out are wiped from the
// block at once, so memory never holds a past output. Requests over 64 bytes go to randombytes_buf directly.
// Thread-safe (one mutex, held for a copy). Not fork-safe: a forked child must not keep using the instance.
class SodiumRandom final : public core::Random {
  public:
    void Fill(std::span<std::uint8_t> out) override;

  private:
    static constexpr std::size_t kBlock = 512;
    static constexpr std::size_t kMaxBuffered = 64;

    std::mutex mu_;
    std::array<std::uint8_t, kBlock> block_{};  // guarded by mu_; bytes before `used_` are already zero
    std::size_t used_ = kBlock;                 // guarded by mu_; kBlock: drawn out, refill first
};

// Argon2id (crypto_pwhash_str) with libsodium's interactive limits: ~64 MiB and tens of ms per hash,
// the cost an attacker with a stolen database pays per guess.
class Argon2idHasher final : public SecretHasher {
  public:
    Argon2idHasher();  // draws the fingerprint key; precondition: InitSodium() succeeded
    std::string Hash(std::string_view secret) override;
    bool Verify(std::string_view encoded_hash, std::string_view secret) override;
    std::string Fingerprint(std::string_view secret) override;  // keyed BLAKE2b-256

  private:
    std::array<unsigned char, 32> fingerprint_key_{};
};

// SHA-256 for the event ledger and the click batches' Merkle roots: OpenSSL's libcrypto, which uses the
// CPU's SHA extensions where there are some (2.5-5x libsodium's portable code here, docs/dependencies.md).
// Each thread keeps one OpenSSL context, made at its first digest. Throws std::runtime_error only when OpenSSL
// cannot run the digest (out of memory), as an allocation would.
class Sha256Digest final : public core::Digest {
  public:
    std::array<std::uint8_t, 32> Sha256(std::string_view data) override;
    std::array<std::uint8_t, 32> Sha256Joined(std::string_view first, std::string_view second) override;
};

// Initialises libsodium; false when it cannot (no entropy source).
bool InitSodium();

}  // namespace rt::ports
