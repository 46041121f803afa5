#include "core/user.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "core/partner.hpp"
#include "core/text.hpp"

namespace rt::core {

namespace {

constexpr std::pair<UserRole, std::string_view> kRoles[] = {
    {UserRole::kAdmin, "admin"},
    {UserRole::kPartner, "partner"},
};
constexpr std::pair<UserStatus, std::string_view> kStatuses[] = {
    {UserStatus::kActive, "active"},
    {UserStatus::kDisabled, "disabled"},
};

constexpr std::string_view kBase64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kTokenLength = 43;  // ceil(32 * 8 / 6), unpadded

std::size_t CodePoints(std::string_view utf8) {
    return static_cast<std::size_t>(
        std::count_if(utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

std::string_view ToString(UserRole role) {
    for (const auto& [r, name] : kRoles) {
        if (r == role) return name;
    }
    return "admin";
}

std::optional<UserRole> ParseUserRole(std::string_view text) {
    for (const auto& [r, name] : kRoles) {
        if (name == text) return r;
    }
    return std::nullopt;
}

std::string_view ToString(UserStatus status) {
    for (const auto& [s, name] : kStatuses) {
        if (s == status) return name;
    }
    return "active";
}

std::optional<UserStatus> ParseUserStatus(std::string_view text) {
    for (const auto& [s, name] : kStatuses) {
        if (name == text) return s;
    }
    return std::nullopt;
}

Result<User> NewUser(const UserFields& fields, UserId id, TimePoint now) {
    FieldErrors errors;
    User user;
    user.id = std::move(id);
    user.created_at = now;
    user.updated_at = now;
    if (!fields.email) {
        errors.Add("email", "is required");
    } else {
        user.email = ToLower(Trim(*fields.email));
        if (!IsEmail(user.email)) errors.Add("email", "must be an email address such as ada@example.com");
    }
    std::optional<UserRole> role;
    if (!fields.role) {
        errors.Add("role", "is required");
    } else if (role = ParseUserRole(*fields.role); !role) {
        errors.Add("role", "must be admin or partner");
    } else {
        user.role = *role;
    }
    if (role == UserRole::kPartner) {
        if (!fields.partner_id) {
            errors.Add("partner_id", "is required for a partner user");
        } else if (auto partner = PartnerId::Parse(*fields.partner_id)) {
            user.partner_id = std::move(*partner);
        } else {
            errors.Add("partner_id", "is not a partner id");
        }
    } else if (role == UserRole::kAdmin && fields.partner_id) {
        errors.Add("partner_id", "must be absent for an admin user");
    }
    if (auto r = errors.ToResult(); !r) return Fail(r.error());
    return user;
}

Result<void> CheckPassword(std::string_view password) {
    if (!IsValidUtf8(password)) return Fail(Error::Invalid("password", "must be UTF-8 text"));
    if (password.size() > User::kMaxPasswordBytes) {
        return Fail(
            Error::Invalid("password", "must be at most " + std::to_string(User::kMaxPasswordBytes) + " bytes"));
    }
    if (CodePoints(password) < User::kMinPasswordCharacters) {
        return Fail(Error::Invalid(
            "password", "must be at least " + std::to_string(User::kMinPasswordCharacters) + " characters long"));
    }
    return {};
}

bool IsUsable(const Invite& invite, TimePoint now) { return !invite.used_at && now < invite.expires_at; }

TimePoint SessionEnd(const Session& session, std::int64_t idle_ms) {
    return {std::min(session.expires_at.unix_ms, session.last_seen_at.unix_ms + idle_ms)};
}

bool IsExpired(const Session& session, TimePoint now, std::int64_t idle_ms) {
    return now >= SessionEnd(session, idle_ms);
}

bool ShouldTouch(const Session& session, TimePoint now, std::int64_t idle_ms) {
    const std::int64_t interval = std::min(Session::kTouchIntervalMs, idle_ms / 2);
    return now.unix_ms - session.last_seen_at.unix_ms >= interval;
}

std::string NewSecretToken(Random& random) {
    std::array<std::uint8_t, kTokenBytes> bytes{};
    random.Fill(bytes);
    std::string out;
    out.reserve(kTokenLength);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (std::uint8_t b : bytes) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(kBase64Url[(buffer >> bits) & 0x3F]);
        }
    }
    if (bits > 0) out.push_back(kBase64Url[(buffer << (6 - bits)) & 0x3F]);
    return out;
}

bool IsSecretToken(std::string_view text) {
    return text.size() == kTokenLength && text.find_first_not_of(kBase64Url) == std::string_view::npos;
}

std::string HashToken(std::string_view token, Digest& digest) { return ToHex(digest.Sha256(token)); }

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
    // Every byte of the longer string is visited; the lengths themselves are not secret.
    const std::size_t n = std::max(a.size(), b.size());
    unsigned diff = a.size() == b.size() ? 0U : 1U;
    for (std::size_t i = 0; i < n; ++i) {
        const auto x = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
        const auto y = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
        diff |= static_cast<unsigned>(x ^ y);
    }
    return diff == 0;
}

}  // namespace rt::core
