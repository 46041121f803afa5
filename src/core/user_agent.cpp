#include "core/user_agent.hpp"

#include <algorithm>
#include <span>
#include <string>

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

bool ContainsAny(std::string_view text, std::span<const std::string_view> needles) {
    return std::any_of(needles.begin(), needles.end(),
                       [text](std::string_view n) { return text.find(n) != std::string_view::npos; });
}

bool Contains(std::string_view text, std::string_view needle) { return text.find(needle) != std::string_view::npos; }

bool IsBot(std::string_view lower) {
    if (Trim(lower).empty()) return true;
    if (!ContainsAny(lower, kBotMarkers)) return false;
    if (!ContainsAny(lower, kNotBotMarkers)) return true;
    // A phone brand that says "bot": a bot only if some other marker says so too.
    std::string without(lower);
    for (auto marker : kNotBotMarkers) {
        for (auto at = without.find(marker); at != std::string::npos; at = without.find(marker)) {
            without.erase(at, marker.size());
        }
    }
    return ContainsAny(without, kBotMarkers);
}

DeviceClass Device(std::string_view lower) {
    if (Contains(lower, "ipad") || Contains(lower, "tablet") || Contains(lower, "kindle") || Contains(lower, "silk/") ||
        Contains(lower, "playbook")) {
        return DeviceClass::kTablet;
    }
    if (Contains(lower, "android")) return Contains(lower, "mobile") ? DeviceClass::kMobile : DeviceClass::kTablet;
    if (Contains(lower, "iphone") || Contains(lower, "ipod") || Contains(lower, "mobi") ||
        Contains(lower, "windows phone") || Contains(lower, "blackberry") || Contains(lower, "opera mini")) {
        return DeviceClass::kMobile;
    }
    if (Contains(lower, "windows nt") || Contains(lower, "macintosh") || Contains(lower, "mac os x") ||
        Contains(lower, "x11") || Contains(lower, "linux") || Contains(lower, "cros")) {
        return DeviceClass::kDesktop;
    }
    return DeviceClass::kUnknown;
}

}  // namespace

UserAgentClass ClassifyUserAgent(std::string_view user_agent) {
    const std::string lower = ToLower(user_agent);
    if (IsBot(lower)) return {DeviceClass::kBot, true};
    return {Device(lower), false};
}

}  // namespace rt::core
