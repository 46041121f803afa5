#include "core/url.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace rt::core {
namespace {

TEST(ParseHttpUrl, SplitsAcceptedUrls) {
    struct Row {
        std::string text;
        std::string scheme;
        std::string host;
        int port;
        std::string rest;
    };
    const Row rows[] = {
        {"https://shop.example.com", "https", "shop.example.com", 0, ""},
        {"https://shop.example.com/", "https", "shop.example.com", 0, "/"},
        {"http://shop.example.com/a/b", "http", "shop.example.com", 0, "/a/b"},
        {"HTTPS://SHOP.EXAMPLE.COM/Path", "https", "shop.example.com", 0, "/Path"},
        {"HtTp://Shop.Example.Com/A?B=C#D", "http", "shop.example.com", 0, "/A?B=C#D"},
        {"https://shop.example.com:8443/x", "https", "shop.example.com", 8443, "/x"},
        {"https://shop.example.com:1", "https", "shop.example.com", 1, ""},
        {"https://shop.example.com:65535/", "https", "shop.example.com", 65535, "/"},
        {"https://shop.example.com:443?x=1", "https", "shop.example.com", 443, "?x=1"},
        {"https://shop.example.com?x=1&y=2", "https", "shop.example.com", 0, "?x=1&y=2"},
        {"https://shop.example.com#section-2", "https", "shop.example.com", 0, "#section-2"},
        {"https://shop.example.com/p?q=1#f", "https", "shop.example.com", 0, "/p?q=1#f"},
        {"https://shop.example.com/a%20b?c=%2F", "https", "shop.example.com", 0, "/a%20b?c=%2F"},
        {"https://shop.example.com/?next=https://evil.com", "https", "shop.example.com", 0, "/?next=https://evil.com"},
        {"https://shop.example.com/@evil.com", "https", "shop.example.com", 0, "/@evil.com"},
        {"https://a-b.example.co.uk/", "https", "a-b.example.co.uk", 0, "/"},
        {"https://xn--bcher-kva.example/", "https", "xn--bcher-kva.example", 0, "/"},
        {"https://127.0.0.1.nip.io/", "https", "127.0.0.1.nip.io", 0, "/"},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.text);
        const auto url = ParseHttpUrl(row.text);
        ASSERT_TRUE(url.has_value());
        EXPECT_EQ(url->scheme, row.scheme);
        EXPECT_EQ(url->host, row.host);
        EXPECT_EQ(url->port, row.port);
        EXPECT_EQ(url->rest, row.rest);
    }
}

enum class Verdict { kRefused, kOtherHost, kAllowed };

void PrintTo(Verdict v, std::ostream* os) {
    *os << (v == Verdict::kRefused ? "refused" : v == Verdict::kOtherHost ? "another host" : "allowed");
}

// What a link's destination check decides for a program whose only domain is shop.example.com.
Verdict Judge(std::string_view destination) {
    const auto url = ParseHttpUrl(destination);
    if (!url) return Verdict::kRefused;
    return HostAllowed(url->host, {"shop.example.com"}) ? Verdict::kAllowed : Verdict::kOtherHost;
}

// Open-redirect tricks: each must either be refused outright or parse to a host that is not
// shop.example.com. None may be allowed.
TEST(ParseHttpUrl, OpenRedirectTricksNeverReachAnotherHost) {
    struct Row {
        std::string text;
        Verdict expected;
    };
    const Row rows[] = {
        // The genuine article, for contrast.
        {"https://shop.example.com/cart", Verdict::kAllowed},
        {"HTTPS://SHOP.EXAMPLE.COM/Path", Verdict::kAllowed},
        {"https://shop.example.com:8443/", Verdict::kAllowed},
        // Scheme-relative and malformed schemes.
        {"//evil.com", Verdict::kRefused},
        {"///evil.com", Verdict::kRefused},
        {"/\\evil.com", Verdict::kRefused},
        {"evil.com", Verdict::kRefused},
        {"shop.example.com", Verdict::kRefused},
        {"/cart", Verdict::kRefused},
        {"https:evil.com", Verdict::kRefused},
        {"https:/evil.com", Verdict::kRefused},
        {"https:///evil.com", Verdict::kRefused},
        {"https://", Verdict::kRefused},
        {"://shop.example.com", Verdict::kRefused},
        {"", Verdict::kRefused},
        // User-info: browsers go to the host after '@'.
        {"https://shop.example.com@evil.com", Verdict::kRefused},
        {"https://shop.example.com:443@evil.com", Verdict::kRefused},
        {"https://user:pass@shop.example.com/", Verdict::kRefused},
        {"https://@shop.example.com/", Verdict::kRefused},
        {"https://evil.com@shop.example.com/", Verdict::kRefused},
        // The allowed name as a prefix, a query, a fragment or a path of another host.
        {"https://shop.example.com.evil.com", Verdict::kOtherHost},
        {"https://shop.example.com.evil.com/", Verdict::kOtherHost},
        {"https://evil.com#shop.example.com", Verdict::kOtherHost},
        {"https://evil.com?x=shop.example.com", Verdict::kOtherHost},
        {"https://evil.com/shop.example.com", Verdict::kOtherHost},
        {"https://evil.com/?next=https://shop.example.com", Verdict::kOtherHost},
        {"https://shopexample.com/", Verdict::kOtherHost},
        {"https://xshop.example.com/", Verdict::kOtherHost},
        {"https://evil-shop.example.com/", Verdict::kOtherHost},
        {"https://a.shop.example.com/", Verdict::kOtherHost},
        {"https://example.com/", Verdict::kOtherHost},
        {"https://shop.example.co/", Verdict::kOtherHost},
        {"https://shop.example.com;evil.com/", Verdict::kRefused},
        {"https://shop.example.com,evil.com/", Verdict::kRefused},
        {"https://shop.example.com./", Verdict::kRefused},
        {"https://shop..example.com/", Verdict::kRefused},
        {"https://.shop.example.com/", Verdict::kRefused},
        {"https://shop.example.com:evil.com/", Verdict::kRefused},
        {"https://shop.example.com:443:443/", Verdict::kRefused},
        // Percent-encoding in the authority.
        {"https://shop.example.com%2F@evil.com", Verdict::kRefused},
        {"https://shop%2eexample.com", Verdict::kRefused},
        {"https://%73hop.example.com/", Verdict::kRefused},
        {"https://evil.com%23.shop.example.com/", Verdict::kRefused},
        {"https://evil.com%2f.shop.example.com/", Verdict::kRefused},
        // Backslashes: browsers read them as '/'.
        {"https:\\\\evil.com", Verdict::kRefused},
        {"https:/\\evil.com", Verdict::kRefused},
        {"https://evil.com\\@shop.example.com", Verdict::kRefused},
        {"https://shop.example.com\\.evil.com", Verdict::kRefused},
        {"https://shop.example.com/\\evil.com", Verdict::kRefused},
        // White space and control characters, which browsers strip or split on.
        {" https://shop.example.com", Verdict::kRefused},
        {"https://shop.example.com ", Verdict::kRefused},
        {"https://shop.example.com/a b", Verdict::kRefused},
        {"https://shop.exa\tmple.com/", Verdict::kRefused},
        {"https://shop.example.com\t.evil.com/", Verdict::kRefused},
        {"ht\ntps://shop.example.com/", Verdict::kRefused},
        {"https://shop.example.com/\n", Verdict::kRefused},
        {"https://shop.example.com/\r\nLocation: https://evil.com", Verdict::kRefused},
        {"\thttps://shop.example.com/", Verdict::kRefused},
        {std::string("https://evil.com\0.shop.example.com/", 35), Verdict::kRefused},
        {"https://shop.example.com/\x7f", Verdict::kRefused},
        // Other schemes.
        {"javascript:alert(1)", Verdict::kRefused},
        {"javascript://shop.example.com/%0aalert(1)", Verdict::kRefused},
        {"JaVaScRiPt:alert(1)", Verdict::kRefused},
        {"data:text/html,<script>alert(1)</script>", Verdict::kRefused},
        {"data:", Verdict::kRefused},
        {"vbscript:msgbox(1)", Verdict::kRefused},
        {"ftp://shop.example.com/", Verdict::kRefused},
        {"file:///etc/passwd", Verdict::kRefused},
        {"ws://shop.example.com/", Verdict::kRefused},
        {"httpss://shop.example.com/", Verdict::kRefused},
        {"http s://shop.example.com/", Verdict::kRefused},
        {"xhttps://shop.example.com/", Verdict::kRefused},
        // IP literals.
        {"https://[::1]/", Verdict::kRefused},
        {"https://[2001:db8::1]:443/", Verdict::kRefused},
        {"https://[::ffff:127.0.0.1]/", Verdict::kRefused},
        {"https://127.0.0.1/", Verdict::kRefused},
        {"https://127.0.0.1:8080/", Verdict::kRefused},
        {"https://10.0.0.1/", Verdict::kRefused},
        {"https://127.1/", Verdict::kRefused},
        {"https://2130706433/", Verdict::kRefused},
        {"https://0x7f000001/", Verdict::kRefused},
        {"https://0x7f.0x0.0x0.0x1/", Verdict::kRefused},  // WHATWG reads a hex last label as IPv4
        {"https://0177.0.0.1/", Verdict::kRefused},
        {"https://evil.0x1/", Verdict::kRefused},
        {"https://localhost/", Verdict::kRefused},
        // Ports.
        {"https://shop.example.com:99999/", Verdict::kRefused},
        {"https://shop.example.com:65536/", Verdict::kRefused},
        {"https://shop.example.com:0/", Verdict::kRefused},
        {"https://shop.example.com:/", Verdict::kRefused},
        {"https://shop.example.com:-1/", Verdict::kRefused},
        {"https://shop.example.com:+443/", Verdict::kRefused},
        {"https://shop.example.com:44a/", Verdict::kRefused},
        {"https://shop.example.com:4294967739/", Verdict::kRefused},  // 443 + 2^32
        // Non-ASCII hosts (homographs) and host-name syntax.
        {"https://shöp.example.com/", Verdict::kRefused},
        {"https://shop.exаmple.com/", Verdict::kRefused},            // Cyrillic 'а'
        {"https://shop.example.com／evil.com/", Verdict::kRefused},  // full-width solidus
        {"https://shop.example.com/ü", Verdict::kRefused},
        {"https://shop_1.example.com/", Verdict::kRefused},
        {"https://-shop.example.com/", Verdict::kRefused},
        {"https://shop-.example.com/", Verdict::kRefused},
        {"https://" + std::string(64, 'a') + ".example.com/", Verdict::kRefused},
        {"https://*.example.com/", Verdict::kRefused},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.text);
        EXPECT_EQ(Judge(row.text), row.expected);
    }
}

TEST(IsHostName, AcceptsLowerCaseDnsNamesOfTwoLabelsOrMore) {
    struct Row {
        std::string host;
        bool expected;
    };
    const Row rows[] = {
        {"example.com", true},
        {"shop.example.com", true},
        {"a.b.c.d.example.com", true},
        {"a-b.example.com", true},
        {"a--b.example.com", true},
        {"1shop.example.com", true},
        {"123.example.com", true},
        {"xn--bcher-kva.example", true},
        {std::string(63, 'a') + ".com", true},
        {std::string(64, 'a') + ".com", false},
        {"", false},
        {"com", false},
        {"localhost", false},
        {"Example.com", false},  // callers lower-case first
        {"example.com.", false},
        {".example.com", false},
        {"example..com", false},
        {"-a.example.com", false},
        {"a-.example.com", false},
        {"a_b.example.com", false},
        {"a b.example.com", false},
        {"*.example.com", false},
        {"127.0.0.1", false},
        {"1.2.3.4", false},
        {"example.123", false},
        {"0x7f.0x0.0x0.0x1", false},
        {"example.0x1", false},
        {"example.0xff", false},
        {"example.0x", false},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.host);
        EXPECT_EQ(IsHostName(row.host), row.expected);
    }
}

TEST(IsHostName, LimitsTheWholeNameTo253Characters) {
    // 4 labels of 63 characters and a dot between: 255 characters; cut down to exactly 253.
    const std::string label(63, 'a');
    std::string host = label + "." + label + "." + label + "." + label;
    host.resize(253);
    ASSERT_TRUE(host.back() != '.');
    EXPECT_TRUE(IsHostName(host));
    EXPECT_FALSE(IsHostName("b" + host));
}

TEST(NormalizeDomainPattern, LowerCasesValidPatternsAndRefusesTheRest) {
    struct Row {
        std::string pattern;
        std::optional<std::string> expected;
    };
    const Row rows[] = {
        {"shop.example.com", "shop.example.com"},
        {"Shop.Example.COM", "shop.example.com"},
        {"*.example.com", "*.example.com"},
        {"*.Example.Com", "*.example.com"},
        {"*.shop.example.co.uk", "*.shop.example.co.uk"},
        {"", std::nullopt},
        {"*", std::nullopt},
        {"*.", std::nullopt},
        {"*.com", std::nullopt},
        {"com", std::nullopt},
        {"*example.com", std::nullopt},
        {"**.example.com", std::nullopt},
        {"*.*.example.com", std::nullopt},
        {"a.*.example.com", std::nullopt},
        {"shop.*.com", std::nullopt},
        {"example.*", std::nullopt},
        {".example.com", std::nullopt},
        {"example.com.", std::nullopt},
        {"https://example.com", std::nullopt},
        {"example.com/", std::nullopt},
        {"example.com/path", std::nullopt},
        {"example.com:443", std::nullopt},
        {"user@example.com", std::nullopt},
        {" example.com", std::nullopt},
        {"exa mple.com", std::nullopt},
        {"ex_ample.com", std::nullopt},
        {"-example.com", std::nullopt},
        {"127.0.0.1", std::nullopt},
        {"[::1]", std::nullopt},
        {"bücher.example", std::nullopt},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.pattern);
        EXPECT_EQ(NormalizeDomainPattern(row.pattern), row.expected);
    }
}

TEST(HostAllowed, MatchesExactHostsAndSubDomainsOfWildcards) {
    const std::vector<std::string> patterns = {"*.example.com", "shop.other.org"};
    struct Row {
        const char* host;
        bool expected;
    };
    const Row rows[] = {
        {"a.example.com", true},
        {"a.b.example.com", true},
        {"www.example.com", true},
        {"example.com", false},  // the wildcard covers sub-domains only
        {"badexample.com", false},
        {"xexample.com", false},
        {"example.com.evil.com", false},
        {"a.example.com.evil.com", false},
        {"a.example.co", false},
        {"a.example.comm", false},
        {"shop.other.org", true},
        {"a.shop.other.org", false},  // an exact pattern does not cover sub-domains
        {"other.org", false},
        {"xshop.other.org", false},
        {"shop.other.org.evil.com", false},
        {"", false},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.host);
        EXPECT_EQ(HostAllowed(row.host, patterns), row.expected);
    }
}

TEST(HostAllowed, NothingIsAllowedWithoutPatterns) { EXPECT_FALSE(HostAllowed("shop.example.com", {})); }

}  // namespace
}  // namespace rt::core
