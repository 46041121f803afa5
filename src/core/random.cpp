#include "core/random.hpp"

#include <array>
#include <cstring>
#include <limits>

namespace rt::core {

std::uint32_t Random::Uniform(std::uint32_t bound) {
    // Rejection sampling: drop draws from the incomplete top range so every residue is equally likely.
    const std::uint32_t limit =
        std::numeric_limits<std::uint32_t>::max() - std::numeric_limits<std::uint32_t>::max() % bound;
    for (;;) {
        std::array<std::uint8_t, 4> bytes{};
        Fill(bytes);
        std::uint32_t v = 0;
        std::memcpy(&v, bytes.data(), sizeof v);
        if (v < limit) return v % bound;
    }
}

}  // namespace rt::core
