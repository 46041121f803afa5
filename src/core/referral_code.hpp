#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/random.hpp"

namespace rt::core {

// Generated codes: 8 characters from 31 symbols without look-alikes (no 0/o, 1/l/i): ~40 bits, so
// guessing a live code is impractical and a collision is rare (the caller retries on one).
inline constexpr std::string_view kCodeAlphabet = "23456789abcdefghjkmnpqrstuvwxyz";
inline constexpr std::size_t kGeneratedCodeLength = 8;

std::string GenerateCode(Random& random);

// Codes are case-insensitive: the normalized form is lower-case.
std::string NormalizeCode(std::string_view code);

// Why a vanity code is refused, or nullopt when it is acceptable. Rules: 3..64 characters of
// [A-Za-z0-9_-], starting with a letter or digit, not a reserved word (api, admin, r, login, …).
std::optional<std::string> VanityCodeProblem(std::string_view code);

}  // namespace rt::core
