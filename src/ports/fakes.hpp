#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "core/random.hpp"
#include "core/time.hpp"
#include "ports/hasher.hpp"
#include "ports/vault.hpp"

// Deterministic stand-ins for the clock, randomness and hashing ports, for tests.
namespace rt::ports {

class FakeClock final : public core::Clock {
  public:
    explicit FakeClock(core::TimePoint start = {1'795'000'000'000}) : now_ms_(start.unix_ms) {}
    core::TimePoint Now() override { return {now_ms_.load()}; }
    void Advance(std::int64_t ms) { now_ms_ += ms; }
    void Set(core::TimePoint t) { now_ms_ = t.unix_ms; }

  private:
    std::atomic<std::int64_t> now_ms_;
};

class SeededRandom final : public core::Random {
  public:
    explicit SeededRandom(std::uint64_t seed = 42) : engine_(seed) {}
    void Fill(std::span<std::uint8_t> out) override {
        std::lock_guard lock(mu_);
        for (auto& b : out) b = static_cast<std::uint8_t>(engine_());
    }

  private:
    std::mutex mu_;
    std::mt19937_64 engine_;
};

// Not a hash at all: a reversible marker, so tests run without Argon2's cost. Never in production.
class PlainHasher final : public SecretHasher {
  public:
    std::string Hash(std::string_view secret) override { return "plain$" + std::string(secret); }
    bool Verify(std::string_view encoded_hash, std::string_view secret) override {
        return encoded_hash == "plain$" + std::string(secret);
    }
    std::string Fingerprint(std::string_view secret) override { return "fp$" + std::string(secret); }
};

// Reversible stand-ins, so tests can see what was hashed or sealed. Never in production.
class FakeVault final : public Vault {
  public:
    std::string KeyedHash(std::string_view purpose, std::string_view data) override {
        return "hash(" + std::string(purpose) + ":" + std::string(data) + ")";
    }
    std::string Encrypt(std::string_view plaintext) override { return "sealed(" + std::string(plaintext) + ")"; }
    std::optional<std::string> Decrypt(std::string_view sealed) override {
        if (!sealed.starts_with("sealed(") || !sealed.ends_with(")")) return std::nullopt;
        return std::string(sealed.substr(7, sealed.size() - 8));
    }
};

}  // namespace rt::ports
