#include "core/referral_code.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace rt::core {

namespace {

// Words that would read as part of the product, or impersonate it, in a tracking URL.
constexpr std::array<std::string_view, 24> kReserved{"admin",    "api",     "app",    "assets",  "auth",   "dashboard",
                                                     "docs",     "favicon", "health", "healthz", "help",   "login",
                                                     "logout",   "metrics", "portal", "r",       "readyz", "reftrack",
                                                     "settings", "signup",  "static", "support", "track",  "www"};

}  // namespace

std::string GenerateCode(Random& random) {
    std::string code(kGeneratedCodeLength, ' ');
    do {  // a draw that spells a reserved word ("reftrack") is drawn again
        for (auto& c : code) c = kCodeAlphabet[random.Uniform(static_cast<std::uint32_t>(kCodeAlphabet.size()))];
    } while (VanityCodeProblem(code));
    return code;
}

std::string NormalizeCode(std::string_view code) {
    std::string out(code);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::optional<std::string> VanityCodeProblem(std::string_view code) {
    if (code.size() < 3 || code.size() > 64) return "must be 3 to 64 characters long";
    const auto allowed = [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; };
    if (!std::all_of(code.begin(), code.end(), allowed)) return "may contain only letters, digits, '-' and '_'";
    if (!std::isalnum(static_cast<unsigned char>(code.front()))) return "must start with a letter or a digit";
    const std::string normalized = NormalizeCode(code);
    if (std::find(kReserved.begin(), kReserved.end(), normalized) != kReserved.end()) return "is a reserved word";
    return std::nullopt;
}

}  // namespace rt::core
