#include "core/api_key.hpp"

#include <cstdint>

namespace rt::core {

namespace {

constexpr std::string_view kTokenPrefix = "rtk_";
constexpr std::size_t kIdBodyLength = 26;
constexpr std::size_t kSecretLength = 32;
constexpr std::string_view kSecretAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";

}  // namespace

std::optional<Scope> ParseScope(std::string_view text) {
    if (text == "admin") return Scope::Admin();
    if (text.starts_with("partner:")) {
        if (auto id = PartnerId::Parse(text.substr(8))) return Scope::ForPartner(*id);
    } else if (text.starts_with("ingest:")) {
        if (auto id = ProgramId::Parse(text.substr(7))) return Scope::ForIngest(*id);
    }
    return std::nullopt;
}

std::string ToString(const Scope& scope) {
    switch (scope.kind) {
        case Scope::Kind::kAdmin:
            return "admin";
        case Scope::Kind::kPartner:
            return "partner:" + scope.target;
        case Scope::Kind::kIngest:
            return "ingest:" + scope.target;
    }
    return "admin";
}

ApiKeyToken NewApiKeyToken(TimePoint now, Random& random) {
    ApiKeyToken out;
    out.id = ApiKeyId::Generate(now, random);
    std::string secret(kSecretLength, '0');  // 32 symbols of 32: 160 bits
    for (auto& c : secret) c = kSecretAlphabet[random.Uniform(static_cast<std::uint32_t>(kSecretAlphabet.size()))];
    out.token = std::string(kTokenPrefix) + out.id.str().substr(ApiKeyTag::kPrefix.size()) + "_" + secret;
    return out;
}

std::optional<ApiKeyId> ApiKeyIdOfToken(std::string_view token) {
    if (!token.starts_with(kTokenPrefix) || token.size() != kTokenPrefix.size() + kIdBodyLength + 1 + kSecretLength) {
        return std::nullopt;
    }
    if (token[kTokenPrefix.size() + kIdBodyLength] != '_') return std::nullopt;
    const std::string_view secret = token.substr(kTokenPrefix.size() + kIdBodyLength + 1);
    if (secret.find_first_not_of(kSecretAlphabet) != std::string_view::npos) return std::nullopt;
    return ApiKeyId::Parse(std::string(ApiKeyTag::kPrefix) +
                           std::string(token.substr(kTokenPrefix.size(), kIdBodyLength)));
}

}  // namespace rt::core
