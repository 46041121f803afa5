#include "core/user_agent.hpp"

#include <algorithm>
#include <array>
#include <bitset>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/text.hpp"

namespace rt::core {

namespace {

// Lower-case fragments that mark automated clients. "bot" alone covers Googlebot, bingbot, Twitterbot,
// Slackbot, LinkedInBot, TelegramBot, Discordbot, Applebot, redditbot, DuckDuckBot, YandexBot, AhrefsBot…
constexpr std::string_view kBotMarkers[] = {
    "bot",
    "crawl",
    "spider",
    "slurp",
    "+http",
    "facebookexternalhit",
    "facebookcatalog",
    "whatsapp",
    "embedly",
    "skypeuripreview",
    "preview",
    "headlesschrome",
    "phantomjs",
    "lighthouse",
    "pingdom",
    "uptimerobot",
    "curl/",
    "wget/",
    "python-requests",
    "python-urllib",
    "aiohttp",
    "httpx",
    "go-http-client",
    "okhttp",
    "java/",
    "apache-httpclient",
    "libwww-perl",
    "node-fetch",
    "axios/",
    "scrapy",
    "feedfetcher",
    "mediapartners-google",
    "google-inspectiontool",
    "ia_archiver",
    "vkshare",
    "pinterest/",
    "qwantify",
    "outbrain",
};

// Real browsers' headers that contain a marker by accident (CUBOT phones say "bot").
constexpr std::string_view kNotBotMarkers[] = {"cubot"};

// The fragments the device is told by (Device below says how).
constexpr std::string_view kDeviceMarkers[] = {
    "ipad",      "tablet",   "kindle", "silk/",         "playbook",   "android",    "mobile",
    "iphone",    "ipod",     "mobi",   "windows phone", "blackberry", "opera mini", "windows nt",
    "macintosh", "mac os x", "x11",    "linux",         "cros",
};

// Every fragment above has a bit: the bot markers, then the not-bot markers, then the device markers.
constexpr std::size_t kNotBotFirst = std::size(kBotMarkers);
constexpr std::size_t kDeviceFirst = kNotBotFirst + std::size(kNotBotMarkers);
constexpr std::size_t kMarkers = kDeviceFirst + std::size(kDeviceMarkers);
static_assert(kMarkers <= 64, "one bit per marker in a std::uint64_t");
static_assert(std::ranges::all_of(kBotMarkers, [](std::string_view m) { return m.size() >= 2; }) &&
                  std::ranges::all_of(kNotBotMarkers, [](std::string_view m) { return m.size() >= 2; }) &&
                  std::ranges::all_of(kDeviceMarkers, [](std::string_view m) { return m.size() >= 2; }),
              "MarkersIn looks markers up by their first two characters");

constexpr std::string_view Marker(std::size_t i) {
    if (i < kNotBotFirst) return kBotMarkers[i];
    if (i < kDeviceFirst) return kNotBotMarkers[i - kNotBotFirst];
    return kDeviceMarkers[i - kDeviceFirst];
}

constexpr std::uint64_t BitsOf(std::size_t first, std::size_t end) {
    std::uint64_t bits = 0;
    for (std::size_t i = first; i < end; ++i) bits |= std::uint64_t{1} << i;
    return bits;
}
constexpr std::uint64_t kBotBits = BitsOf(0, kNotBotFirst);
constexpr std::uint64_t kNotBotBits = BitsOf(kNotBotFirst, kDeviceFirst);

// The bit of a device marker; a name that is not one does not compile (a throw is no constant expression).
constexpr std::uint64_t DeviceBit(std::string_view marker) {
    for (std::size_t i = 0; i < std::size(kDeviceMarkers); ++i) {
        if (kDeviceMarkers[i] == marker) return std::uint64_t{1} << (kDeviceFirst + i);
    }
    throw "not a device marker";
}

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// The markers that occur in `text`, compared case-insensitively, found in one pass: at each character, the
// pair it starts is looked up among the markers' first two characters, and only on a hit are the markers
// that begin with it compared. (A search per marker, ~60 of them, cost ~11,000 instructions per browser
// header under callgrind; docs/benchmarks.md.)
std::uint64_t MarkersIn(std::string_view text) {
    struct Index {
        std::bitset<1 << 16> pairs;                           // the first two characters of some marker
        std::array<std::vector<std::uint8_t>, 256> by_first;  // markers by their first character
    };
    static const Index kIndex = [] {
        Index index;
        for (std::size_t i = 0; i < kMarkers; ++i) {
            const std::string_view m = Marker(i);  // every marker has at least two characters
            index.pairs.set(static_cast<unsigned char>(m[0]) << 8 | static_cast<unsigned char>(m[1]));
            index.by_first[static_cast<unsigned char>(m[0])].push_back(static_cast<std::uint8_t>(i));
        }
        return index;
    }();
    std::uint64_t found = 0;
    for (std::size_t at = 0; at + 1 < text.size(); ++at) {
        const auto first = static_cast<unsigned char>(LowerAscii(text[at]));
        if (!kIndex.pairs.test(first << 8 | static_cast<unsigned char>(LowerAscii(text[at + 1])))) continue;
        for (const std::uint8_t i : kIndex.by_first[first]) {
            const std::string_view marker = Marker(i);
            if (marker.size() > text.size() - at) continue;
            std::size_t k = 1;
            while (k < marker.size() && LowerAscii(text[at + k]) == marker[k]) ++k;
            if (k == marker.size()) found |= std::uint64_t{1} << i;
        }
    }
    return found;
}

bool ContainsAny(std::string_view text, std::span<const std::string_view> needles) {
    return std::any_of(needles.begin(), needles.end(),
                       [text](std::string_view n) { return text.find(n) != std::string_view::npos; });
}

bool IsBot(std::string_view user_agent, std::uint64_t found) {
    if (Trim(user_agent).empty()) return true;
    if ((found & kBotBits) == 0) return false;
    if ((found & kNotBotBits) == 0) return true;
    // A phone brand that says "bot" (rare): a bot only if some other marker says so once the brand is taken out.
    std::string without = ToLower(user_agent);
    for (auto marker : kNotBotMarkers) {
        for (auto at = without.find(marker); at != std::string::npos; at = without.find(marker)) {
            without.erase(at, marker.size());
        }
    }
    return ContainsAny(without, kBotMarkers);
}

DeviceClass Device(std::uint64_t found) {
    const auto has = [found](std::uint64_t bit) { return (found & bit) != 0; };
    if (has(DeviceBit("ipad") | DeviceBit("tablet") | DeviceBit("kindle") | DeviceBit("silk/") |
            DeviceBit("playbook"))) {
        return DeviceClass::kTablet;
    }
    if (has(DeviceBit("android"))) return has(DeviceBit("mobile")) ? DeviceClass::kMobile : DeviceClass::kTablet;
    if (has(DeviceBit("iphone") | DeviceBit("ipod") | DeviceBit("mobi") | DeviceBit("windows phone") |
            DeviceBit("blackberry") | DeviceBit("opera mini"))) {
        return DeviceClass::kMobile;
    }
    if (has(DeviceBit("windows nt") | DeviceBit("macintosh") | DeviceBit("mac os x") | DeviceBit("x11") |
            DeviceBit("linux") | DeviceBit("cros"))) {
        return DeviceClass::kDesktop;
    }
    return DeviceClass::kUnknown;
}

}  // namespace

UserAgentClass ClassifyUserAgent(std::string_view user_agent) {
    const std::uint64_t found = MarkersIn(user_agent);
    if (IsBot(user_agent, found)) return {DeviceClass::kBot, true};
    return {Device(found), false};
}

}  // namespace rt::core
