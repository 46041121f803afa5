#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rt::core {

// An IPv4 or IPv6 address. IPv4-mapped IPv6 addresses (::ffff:203.0.113.9) are IPv4: one client
// reaching a dual-stack socket is one address, whichever way the socket reports it.
struct IpAddress {
    enum class Family { kV4, kV6 };

    Family family = Family::kV4;
    std::array<std::uint8_t, 16> bytes{};  // network order; IPv4 uses the first 4

    bool operator==(const IpAddress&) const = default;
};

// Parses dotted-quad IPv4 (four decimal parts 0..255, no leading zeros) or RFC 4291 IPv6 text (with
// "::" and an optional trailing dotted quad); an IPv6 zone ("%eth0") is accepted and dropped.
// nullopt for anything else (host names, brackets, ports, whitespace).
std::optional<IpAddress> ParseIpAddress(std::string_view text);

// Canonical text: "203.0.113.9", or RFC 5952 IPv6 ("2001:db8::1": lower-case, no leading zeros,
// the longest run of two or more zero groups as "::").
std::string ToString(const IpAddress& address);

// The network an address belongs to, as stored instead of the address: the /24 of an IPv4 address
// ("203.0.113.0/24"), the /48 of an IPv6 one ("2001:db8:1::/48").
std::string NetworkPrefix(const IpAddress& address);

}  // namespace rt::core
