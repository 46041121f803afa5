#include "core/ip_address.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace rt::core {

namespace {

constexpr std::array<std::uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::optional<std::array<std::uint8_t, 4>> ParseV4(std::string_view text) {
    std::array<std::uint8_t, 4> out{};
    std::size_t start = 0;
    for (std::size_t part = 0; part < 4; ++part) {
        const std::size_t dot = std::min(text.find('.', start), text.size());
        if ((part < 3) == (dot == text.size())) return std::nullopt;  // exactly four parts
        const std::string_view digits = text.substr(start, dot - start);
        if (digits.empty() || digits.size() > 3 || (digits.size() > 1 && digits.front() == '0')) return std::nullopt;
        int value = 0;
        for (char c : digits) {
            if (c < '0' || c > '9') return std::nullopt;
            value = value * 10 + (c - '0');
        }
        if (value > 255) return std::nullopt;
        out[part] = static_cast<std::uint8_t>(value);
        start = dot + 1;
    }
    return out;
}

int HexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The 16-bit groups of one side of "::" (or of the whole address); a dotted quad may end the last side.
std::optional<std::vector<std::uint16_t>> ParseGroups(std::string_view text, bool may_end_with_v4) {
    std::vector<std::uint16_t> groups;
    if (text.empty()) return groups;
    std::size_t start = 0;
    for (;;) {
        const std::size_t colon = std::min(text.find(':', start), text.size());
        const std::string_view group = text.substr(start, colon - start);
        if (colon == text.size() && may_end_with_v4 && group.find('.') != std::string_view::npos) {
            auto v4 = ParseV4(group);
            if (!v4) return std::nullopt;
            groups.push_back(static_cast<std::uint16_t>((*v4)[0] << 8 | (*v4)[1]));
            groups.push_back(static_cast<std::uint16_t>((*v4)[2] << 8 | (*v4)[3]));
            return groups;
        }
        if (group.empty() || group.size() > 4) return std::nullopt;
        unsigned value = 0;
        for (char c : group) {
            const int d = HexDigit(c);
            if (d < 0) return std::nullopt;
            value = value * 16 + static_cast<unsigned>(d);
        }
        groups.push_back(static_cast<std::uint16_t>(value));
        if (colon == text.size()) return groups;
        start = colon + 1;
    }
}

std::optional<std::array<std::uint8_t, 16>> ParseV6(std::string_view text) {
    std::vector<std::uint16_t> groups;
    const std::size_t gap = text.find("::");
    if (gap == std::string_view::npos) {
        auto all = ParseGroups(text, true);
        if (!all || all->size() != 8) return std::nullopt;
        groups = std::move(*all);
    } else {
        const std::string_view tail = text.substr(gap + 2);
        if (tail.find("::") != std::string_view::npos) return std::nullopt;
        auto head = ParseGroups(text.substr(0, gap), false);
        auto rest = ParseGroups(tail, true);
        if (!head || !rest || head->size() + rest->size() > 7) return std::nullopt;
        groups = std::move(*head);
        groups.resize(8 - rest->size(), 0);
        groups.insert(groups.end(), rest->begin(), rest->end());
    }
    std::array<std::uint8_t, 16> out{};
    for (std::size_t i = 0; i < 8; ++i) {
        out[2 * i] = static_cast<std::uint8_t>(groups[i] >> 8);
        out[2 * i + 1] = static_cast<std::uint8_t>(groups[i] & 0xff);
    }
    return out;
}

std::string FormatV4(const std::array<std::uint8_t, 16>& b) {
    return std::to_string(b[0]) + "." + std::to_string(b[1]) + "." + std::to_string(b[2]) + "." + std::to_string(b[3]);
}

std::string FormatV6(const std::array<std::uint8_t, 16>& b) {
    std::array<unsigned, 8> groups{};
    for (std::size_t i = 0; i < 8; ++i) groups[i] = static_cast<unsigned>(b[2 * i] << 8 | b[2 * i + 1]);
    // RFC 5952 4.2: compress the longest run of at least two zero groups, the first of equal runs.
    std::size_t best_start = 8, best_length = 1;
    for (std::size_t i = 0; i < 8;) {
        std::size_t j = i;
        while (j < 8 && groups[j] == 0) ++j;
        if (j - i > best_length) best_start = i, best_length = j - i;
        i = j == i ? i + 1 : j;
    }
    std::string out;
    char hex[8];
    for (std::size_t i = 0; i < 8; ++i) {
        if (i == best_start) {
            out += "::";
            i += best_length - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') out += ':';
        std::snprintf(hex, sizeof hex, "%x", groups[i]);
        out += hex;
    }
    return out;
}

}  // namespace

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
    if (text.find(':') == std::string_view::npos) {
        auto v4 = ParseV4(text);
        if (!v4) return std::nullopt;
        IpAddress out;
        std::copy(v4->begin(), v4->end(), out.bytes.begin());
        return out;
    }
    if (const auto zone = text.find('%'); zone != std::string_view::npos) {
        if (zone + 1 == text.size()) return std::nullopt;
        text = text.substr(0, zone);
    }
    auto v6 = ParseV6(text);
    if (!v6) return std::nullopt;
    IpAddress out;
    if (std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), v6->begin())) {
        std::copy(v6->begin() + 12, v6->end(), out.bytes.begin());
        return out;
    }
    out.family = IpAddress::Family::kV6;
    out.bytes = *v6;
    return out;
}

std::string ToString(const IpAddress& address) {
    return address.family == IpAddress::Family::kV4 ? FormatV4(address.bytes) : FormatV6(address.bytes);
}

std::string NetworkPrefix(const IpAddress& address) {
    IpAddress network = address;
    const std::size_t keep = address.family == IpAddress::Family::kV4 ? 3 : 6;
    std::fill(network.bytes.begin() + static_cast<std::ptrdiff_t>(keep), network.bytes.end(), 0);
    return ToString(network) + (address.family == IpAddress::Family::kV4 ? "/24" : "/48");
}

}  // namespace rt::core
