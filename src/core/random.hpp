#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace rt::core {

// The randomness port. Production uses a CSPRNG (libsodium); tests use a seeded fake.
// Thread safety: implementations must be safe to call from several threads.
class Random {
  public:
    virtual ~Random() = default;
    virtual void Fill(std::span<std::uint8_t> out) = 0;

    // A uniform integer in [0, bound) without modulo bias; precondition: bound > 0.
    std::uint32_t Uniform(std::uint32_t bound);
};

}  // namespace rt::core
