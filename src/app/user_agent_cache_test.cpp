#include "app/user_agent_cache.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rt::app {
namespace {

constexpr std::string_view kDesktop =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";
constexpr std::string_view kPhone =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148";
constexpr std::string_view kCrawler = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

TEST(UserAgentCache, AnswersAsTheClassifierDoesWhetherItRemembersOrNot) {
    for (std::size_t slots : {std::size_t{1}, std::size_t{2}, std::size_t{256}}) {  // one slot: every header evicts
        UserAgentCache cache(slots);
        for (int round = 0; round < 3; ++round) {
            for (std::string_view ua : {kDesktop, kPhone, kCrawler, std::string_view(), kDesktop}) {
                EXPECT_EQ(cache.Classify(ua), core::ClassifyUserAgent(ua)) << slots << " slots: " << ua;
            }
        }
    }
    ASSERT_NE(core::ClassifyUserAgent(kDesktop), core::ClassifyUserAgent(kPhone)) << "the headers differ in class";
    ASSERT_NE(core::ClassifyUserAgent(kPhone), core::ClassifyUserAgent(kCrawler));
}

TEST(UserAgentCache, ALongHeaderIsClassifiedEveryTime) {
    UserAgentCache cache(1);
    const std::string long_bot = std::string(UserAgentCache::kMaxCached, 'x') + " Googlebot";
    EXPECT_EQ(cache.Classify(kDesktop), core::ClassifyUserAgent(kDesktop));
    EXPECT_TRUE(cache.Classify(long_bot).bot);
    EXPECT_EQ(cache.Classify(kDesktop), core::ClassifyUserAgent(kDesktop)) << "still remembered";
}

}  // namespace
}  // namespace rt::app
