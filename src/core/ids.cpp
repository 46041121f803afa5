#include "core/ids.hpp"

#include <array>

namespace rt::core {

namespace {

constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";  // Crockford base32, lower-case
constexpr std::size_t kBodyLength = 26;

}  // namespace

std::string NewIdBody(TimePoint now, Random& random) {
    // 128 bits: 48 of time, 80 of randomness; encoded 5 bits a character from the top, 130 bits in 26
    // characters, the first character carrying the top 3 bits (always < 8).
    std::array<std::uint8_t, 16> bits{};
    const auto ms = static_cast<std::uint64_t>(now.unix_ms);
    for (int i = 0; i < 6; ++i) bits[i] = static_cast<std::uint8_t>(ms >> (8 * (5 - i)));
    random.Fill(std::span<std::uint8_t>(bits).subspan(6));

    // Read as one 128-bit big-endian number with two leading zero bits: 130 bits, 5 a character from the top.
    unsigned __int128 value = 0;
    for (const std::uint8_t byte : bits) value = (value << 8) | byte;
    std::string out(kBodyLength, '0');
    for (std::size_t c = kBodyLength; c-- > 0;) {
        out[c] = kAlphabet[static_cast<unsigned>(value & 0x1f)];
        value >>= 5;
    }
    return out;
}

bool IsIdBody(std::string_view body) {
    if (body.size() != kBodyLength) return false;
    for (char c : body) {
        if (kAlphabet.find(c) == std::string_view::npos) return false;
    }
    return kAlphabet.find(body[0]) < 8;
}

}  // namespace rt::core
