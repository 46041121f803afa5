#pragma once

#include <string>
#include <string_view>

namespace rt::core {

// The query parameter that carries the click id to the landing page.
inline constexpr std::string_view kClickParam = "rt_click";

// `destination` with "rt_click=<click_id>" appended to its query: the destination's own parameters
// kept in order, the new one before any "#fragment"; an rt_click the destination already carried is
// dropped, so the landing page reads exactly one. `click_id` is URL-safe (a click id).
std::string WithClickId(std::string_view destination, std::string_view click_id);

// The lower-case host of a Referer header ("https://News.Example.com:8443/a?b" → "news.example.com"):
// without user info, port or brackets, at most 253 bytes of [a-z0-9.:-]; "" when the header is absent
// or is not an absolute URL with a host (the referrer is recorded only as a host, never its path).
std::string ReferrerHost(std::string_view referer);

}  // namespace rt::core
