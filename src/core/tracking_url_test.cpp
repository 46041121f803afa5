#include "core/tracking_url.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rt::core {
namespace {

constexpr std::string_view kId = "clk_01jd8x3k5m7n9p1q2r3s4t5v6w";

TEST(WithClickId, AppendsToTheQueryBeforeTheFragment) {
    struct Case {
        std::string destination;
        std::string want;
    };
    const std::string id(kId);
    const Case cases[] = {
        {"https://shop.example.com", "https://shop.example.com?rt_click=" + id},
        {"https://shop.example.com/", "https://shop.example.com/?rt_click=" + id},
        {"https://shop.example.com/p?", "https://shop.example.com/p?rt_click=" + id},
        {"https://shop.example.com/p?plan=pro", "https://shop.example.com/p?plan=pro&rt_click=" + id},
        {"https://shop.example.com/p?a=1&b=2#top", "https://shop.example.com/p?a=1&b=2&rt_click=" + id + "#top"},
        {"https://shop.example.com/p#top", "https://shop.example.com/p?rt_click=" + id + "#top"},
        {"https://shop.example.com/p#top?x=1", "https://shop.example.com/p?rt_click=" + id + "#top?x=1"},
        {"https://shop.example.com/p?a=1&&b=2&", "https://shop.example.com/p?a=1&b=2&rt_click=" + id},
        {"https://shop.example.com/p?rt_click=forged&a=1", "https://shop.example.com/p?a=1&rt_click=" + id},
        {"https://shop.example.com/p?rt_click&rt_clicks=1", "https://shop.example.com/p?rt_clicks=1&rt_click=" + id},
        {"https://shop.example.com/p?q=a%20b+c", "https://shop.example.com/p?q=a%20b+c&rt_click=" + id},
    };
    for (const auto& c : cases) EXPECT_EQ(WithClickId(c.destination, kId), c.want) << c.destination;
}

TEST(ReferrerHost, KeepsOnlyTheLowerCaseHost) {
    struct Case {
        std::string referer;
        std::string want;
    };
    const Case cases[] = {
        {"https://News.Example.com/article?id=7#c", "news.example.com"},
        {"http://blog.example.org:8443/x", "blog.example.org"},
        {"https://user:pass@forum.example.net/t", "forum.example.net"},
        {"https://[2001:DB8::1]:443/", "2001:db8::1"},
        {"https://example.com./", "example.com"},
        {"android-app://com.google.android.gm/", "com.google.android.gm"},
        {"", ""},
        {"example.com/path", ""},
        {"https:///nohost", ""},
        {"https://exa mple.com/", ""},
        {"https://ex\xC3\xA4mple.com/", ""},
        {"https://" + std::string(300, 'a') + ".com/", ""},
    };
    for (const auto& c : cases) EXPECT_EQ(ReferrerHost(c.referer), c.want) << c.referer;
}

}  // namespace
}  // namespace rt::core
