#include "core/tracking_url.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace rt::core {

namespace {

constexpr std::size_t kMaxHostLength = 253;

// True when a query pair ("rt_click=…", "rt_click") is our parameter.
bool IsClickParam(std::string_view pair) {
    return pair.starts_with(kClickParam) && (pair.size() == kClickParam.size() || pair[kClickParam.size()] == '=');
}

bool IsHostChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':'; }

}  // namespace

std::string WithClickId(std::string_view destination, std::string_view click_id) {
    const std::size_t hash = std::min(destination.find('#'), destination.size());
    const std::string_view before = destination.substr(0, hash);
    const std::string_view fragment = destination.substr(hash);
    const std::size_t question = std::min(before.find('?'), before.size());

    std::string out(before.substr(0, question));
    out += '?';
    std::string_view query = question < before.size() ? before.substr(question + 1) : std::string_view();
    while (!query.empty()) {
        const std::size_t amp = std::min(query.find('&'), query.size());
        const std::string_view pair = query.substr(0, amp);
        if (!pair.empty() && !IsClickParam(pair)) out.append(pair).append("&");
        query = amp < query.size() ? query.substr(amp + 1) : std::string_view();
    }
    out.append(kClickParam).append("=").append(click_id);
    out.append(fragment);
    return out;
}

std::string ReferrerHost(std::string_view referer) {
    const std::size_t scheme_end = referer.find("://");
    if (scheme_end == std::string_view::npos || scheme_end == 0) return {};
    std::string_view authority = referer.substr(scheme_end + 3);
    authority = authority.substr(0, std::min(authority.find_first_of("/?#"), authority.size()));
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
    std::string_view host = authority;
    if (host.starts_with('[')) {
        const std::size_t close = host.find(']');
        if (close == std::string_view::npos) return {};
        host = host.substr(1, close - 1);
    } else if (const std::size_t colon = host.find(':'); colon != std::string_view::npos) {
        host = host.substr(0, colon);
    }
    std::string lower = ToLower(host);
    while (!lower.empty() && lower.back() == '.') lower.pop_back();
    if (lower.empty() || lower.size() > kMaxHostLength || !std::all_of(lower.begin(), lower.end(), IsHostChar)) {
        return {};
    }
    return lower;
}

}  // namespace rt::core
