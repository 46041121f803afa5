#include "core/ip_address.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rt::core {
namespace {

struct Case {
    std::string text;
    std::string canonical;  // "" when the text must be refused
    std::string prefix;
};

const Case kCases[] = {
    // IPv4
    {"203.0.113.9", "203.0.113.9", "203.0.113.0/24"},
    {"0.0.0.0", "0.0.0.0", "0.0.0.0/24"},
    {"255.255.255.255", "255.255.255.255", "255.255.255.0/24"},
    {"127.0.0.1", "127.0.0.1", "127.0.0.0/24"},
    // IPv6
    {"2001:db8:1:2:3:4:5:6", "2001:db8:1:2:3:4:5:6", "2001:db8:1::/48"},
    {"2001:0DB8:0001:0000:0000:0000:0000:0001", "2001:db8:1::1", "2001:db8:1::/48"},
    {"2001:db8:abcd:12::1", "2001:db8:abcd:12::1", "2001:db8:abcd::/48"},
    {"::1", "::1", "::/48"},
    {"::", "::", "::/48"},
    {"fe80::1%eth0", "fe80::1", "fe80::/48"},
    {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", "2001:db8::/48"},     // RFC 5952: first of equal runs
    {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1", "2001::/48"},               // RFC 5952: the longest run
    {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1", "2001:db8::/48"},  // one zero group is not "::"
    {"1::", "1::", "1::/48"},
    {"::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8", "0:2:3::/48"},
    {"64:ff9b::192.0.2.33", "64:ff9b::c000:221", "64:ff9b::/48"},
    // IPv4-mapped IPv6 is IPv4
    {"::ffff:203.0.113.9", "203.0.113.9", "203.0.113.0/24"},
    {"::FFFF:cb00:7109", "203.0.113.9", "203.0.113.0/24"},
    {"0:0:0:0:0:ffff:10.1.2.3", "10.1.2.3", "10.1.2.0/24"},
    // Refused
    {"", "", ""},
    {"203.0.113", "", ""},
    {"203.0.113.9.1", "", ""},
    {"203.0.113.256", "", ""},
    {"203.0.113.09", "", ""},
    {"203.0.113.", "", ""},
    {".203.0.113", "", ""},
    {"203.0.113.9 ", "", ""},
    {"example.com", "", ""},
    {"[::1]", "", ""},
    {"203.0.113.9:80", "", ""},
    {"1:2:3:4:5:6:7", "", ""},
    {"1:2:3:4:5:6:7:8:9", "", ""},
    {"1::2::3", "", ""},
    {"12345::1", "", ""},
    {"1:2:3:4:5:6:7::8", "", ""},
    {":1::", "", ""},
    {"1:::2", "", ""},
    {"::g", "", ""},
    {"::1.2.3", "", ""},
    {"1.2.3.4::", "", ""},
    {"fe80::1%", "", ""},
};

TEST(IpAddress, ParsesFormatsAndTruncatesToTheNetwork) {
    for (const auto& c : kCases) {
        const auto parsed = ParseIpAddress(c.text);
        if (c.canonical.empty()) {
            EXPECT_EQ(parsed, std::nullopt) << c.text << " parsed as " << ToString(*parsed);
            continue;
        }
        ASSERT_TRUE(parsed.has_value()) << c.text;
        EXPECT_EQ(ToString(*parsed), c.canonical) << c.text;
        EXPECT_EQ(NetworkPrefix(*parsed), c.prefix) << c.text;
        EXPECT_EQ(ParseIpAddress(ToString(*parsed)), parsed) << "canonical text round-trips: " << c.text;
    }
}

TEST(IpAddress, MappedAndPlainIpv4AreTheSameAddress) {
    EXPECT_EQ(ParseIpAddress("::ffff:198.51.100.7"), ParseIpAddress("198.51.100.7"));
    EXPECT_EQ(ParseIpAddress("::ffff:198.51.100.7")->family, IpAddress::Family::kV4);
    EXPECT_EQ(ParseIpAddress("2001:db8::1")->family, IpAddress::Family::kV6);
}

}  // namespace
}  // namespace rt::core
