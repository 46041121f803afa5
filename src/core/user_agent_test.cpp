#include "core/user_agent.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rt::core {
namespace {

struct Case {
    std::string user_agent;
    DeviceClass device;
    bool bot;
};

constexpr auto kBot = DeviceClass::kBot;
constexpr auto kDesktop = DeviceClass::kDesktop;
constexpr auto kMobile = DeviceClass::kMobile;
constexpr auto kTablet = DeviceClass::kTablet;
constexpr auto kUnknown = DeviceClass::kUnknown;

// Real headers, as sent by the clients named.
const Case kCases[] = {
    // Browsers
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
     "Safari/537.36",
     kDesktop, false},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0", kDesktop, false},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
     "Safari/537.36 Edg/120.0.0.0",
     kDesktop, false},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 "
     "Safari/605.1.15",
     kDesktop, false},
    {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", kDesktop,
     false},
    {"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", kDesktop, false},
    {"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
     "Safari/537.36",
     kDesktop, false},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.2 Mobile/15E148 Safari/604.1",
     kMobile, false},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1",
     kMobile, false},
    {"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 "
     "Mobile Safari/537.36",
     kMobile, false},
    {"Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
     "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
     kMobile, false},
    {"Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0", kMobile, false},
    {"Mozilla/5.0 (Linux; Android 9; CUBOT P30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile "
     "Safari/537.36",
     kMobile, false},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Mobile/15E148 [FBAN/FBIOS;FBAV/444.0.0.38.113;FBBV/541484640;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS]",
     kMobile, false},
    {"Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like "
     "Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.14977",
     kMobile, false},
    {"Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 "
     "Mobile/15E148 Safari/604.1",
     kTablet, false},
    {"Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
     "Safari/537.36",
     kTablet, false},
    {"Mozilla/5.0 (Android 13; Tablet; rv:121.0) Gecko/121.0 Firefox/121.0", kTablet, false},
    {"Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/120.2.1 like "
     "Chrome/120.0.6099.144 Safari/537.36",
     kTablet, false},
    {"SomeApp/1.0", kUnknown, false},
    // Crawlers and spiders
    {"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", kBot, true},
    {"Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/120.0.6099.129 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
     kBot, true},
    {"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", kBot, true},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 "
     "Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
     kBot, true},
    {"Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", kBot, true},
    {"DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)", kBot, true},
    {"Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)", kBot, true},
    {"Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", kBot, true},
    {"Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)", kBot, true},
    // Link-preview fetchers
    {"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", kBot, true},
    {"Twitterbot/1.0", kBot, true},
    {"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", kBot, true},
    {"Slackbot 1.0 (+https://api.slack.com/robots)", kBot, true},
    {"LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", kBot, true},
    {"WhatsApp/2.23.20.0 A", kBot, true},
    {"TelegramBot (like TwitterBot)", kBot, true},
    {"Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", kBot, true},
    {"Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com", kBot, true},
    {"Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)", kBot, true},
    {"Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)", kBot, true},
    {"Pinterest/0.2 (+https://www.pinterest.com/bot.html)", kBot, true},
    // Scripted clients
    {"curl/8.5.0", kBot, true},
    {"Wget/1.21.4", kBot, true},
    {"python-requests/2.31.0", kBot, true},
    {"Python-urllib/3.11", kBot, true},
    {"Go-http-client/1.1", kBot, true},
    {"Go-http-client/2.0", kBot, true},
    {"okhttp/4.12.0", kBot, true},
    {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 "
     "Safari/537.36",
     kBot, true},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome-Lighthouse", kBot, true},
    // No header at all
    {"", kBot, true},
    {"   ", kBot, true},
};

TEST(ClassifyUserAgent, Table) {
    static_assert(std::size(kCases) >= 30);
    for (const auto& c : kCases) {
        const auto got = ClassifyUserAgent(c.user_agent);
        EXPECT_EQ(got.bot, c.bot) << c.user_agent;
        EXPECT_EQ(ToString(got.device), ToString(c.device)) << c.user_agent;
    }
}

TEST(ClassifyUserAgent, IsCaseInsensitive) {
    EXPECT_TRUE(ClassifyUserAgent("GOOGLEBOT/2.1").bot);
    EXPECT_TRUE(ClassifyUserAgent("CURL/8.0").bot);
    EXPECT_EQ(ClassifyUserAgent("mozilla/5.0 (IPHONE; cpu iphone os 17_2 like mac os x) MOBILE").device, kMobile);
}

// Markers at the very start and end of the header, cut short by its end, and overlapping one another.
TEST(ClassifyUserAgent, FindsWholeMarkersAtTheEdgesOfTheHeader) {
    EXPECT_EQ(ClassifyUserAgent("ipad").device, kTablet);
    EXPECT_EQ(ClassifyUserAgent("SomeShell X11").device, kDesktop);
    EXPECT_EQ(ClassifyUserAgent("SomeShell; CrOS").device, kDesktop);
    EXPECT_EQ(ClassifyUserAgent("SomeShell (Windows N").device, kUnknown);  // "windows nt" cut short
    EXPECT_EQ(ClassifyUserAgent("SomeShell (Cro").device, kUnknown);
    EXPECT_TRUE(ClassifyUserAgent("MyCrawl").bot);
    EXPECT_FALSE(ClassifyUserAgent("MyCraw").bot);
    EXPECT_TRUE(ClassifyUserAgent("aabot").bot);  // "bot" after a false start ("ab…")
    EXPECT_EQ(ClassifyUserAgent("Android; MOBILE").device, kMobile);
    EXPECT_EQ(ClassifyUserAgent("Android; Mobi").device, kTablet);  // "mobile" is what Android needs
    EXPECT_EQ(ClassifyUserAgent("Opera Mini/8").device, kMobile);
    EXPECT_EQ(ClassifyUserAgent("\xc3\xa9t\xc3\xa9 Linux").device, kDesktop);  // bytes past ASCII are no marker
}

TEST(ClassifyUserAgent, APhoneBrandThatSaysBotIsABotOnlyWithAnotherMarker) {
    EXPECT_FALSE(ClassifyUserAgent("Mozilla/5.0 (Linux; Android 10; CUBOT KINGKONG 5) Mobile").bot);
    EXPECT_TRUE(ClassifyUserAgent("Mozilla/5.0 (Linux; Android 10; CUBOT X30) Mobile (compatible; Googlebot/2.1)").bot);
}

}  // namespace
}  // namespace rt::core
