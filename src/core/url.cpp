#include "core/url.hpp"

#include <algorithm>
#include <cctype>

namespace rt::core {

namespace {

std::string Lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool IsLabelChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

// Printable ASCII without space and backslash: what we accept anywhere in a destination.
bool IsSafeUrlChar(char c) { return c > 0x20 && c < 0x7f && c != '\\'; }

std::optional<int> ParsePort(std::string_view digits) {
    if (digits.empty() || digits.size() > 5) return std::nullopt;
    int port = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) return std::nullopt;
    return port;
}

}  // namespace

bool IsHostName(std::string_view host) {
    if (host.empty() || host.size() > 253) return false;
    std::size_t labels = 0;
    std::size_t start = 0;
    bool last_label_starts_with_letter = false;
    while (start <= host.size()) {
        const std::size_t dot = std::min(host.find('.', start), host.size());
        const std::string_view label = host.substr(start, dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        if (!std::all_of(label.begin(), label.end(), IsLabelChar)) return false;
        last_label_starts_with_letter = label.front() >= 'a' && label.front() <= 'z';
        ++labels;
        start = dot + 1;
    }
    // A last label that starts with a digit is refused: browsers read "1.2.3.4", "127.1" and "0x7f.0x1"
    // as IPv4 addresses (WHATWG URL "ends in a number"), and no top-level domain starts with a digit.
    return labels >= 2 && last_label_starts_with_letter;
}

std::optional<HttpUrl> ParseHttpUrl(std::string_view text) {
    if (!std::all_of(text.begin(), text.end(), IsSafeUrlChar)) return std::nullopt;
    const std::size_t colon = text.find("://");
    if (colon == std::string_view::npos) return std::nullopt;
    HttpUrl url;
    url.scheme = Lower(text.substr(0, colon));
    if (url.scheme != "http" && url.scheme != "https") return std::nullopt;

    const std::string_view after = text.substr(colon + 3);
    const std::size_t end = std::min(after.find_first_of("/?#"), after.size());
    const std::string_view authority = after.substr(0, end);
    url.rest = std::string(after.substr(end));
    if (authority.find_first_of("@%[]") != std::string_view::npos) return std::nullopt;

    std::string_view host = authority;
    const std::size_t port_colon = authority.find(':');
    if (port_colon != std::string_view::npos) {
        const auto port = ParsePort(authority.substr(port_colon + 1));
        if (!port) return std::nullopt;
        url.port = *port;
        host = authority.substr(0, port_colon);
    }
    url.host = Lower(host);
    if (!IsHostName(url.host)) return std::nullopt;
    return url;
}

std::optional<std::string> NormalizeDomainPattern(std::string_view pattern) {
    std::string lower = Lower(pattern);
    const std::string_view host = std::string_view(lower).starts_with("*.") ? std::string_view(lower).substr(2) : lower;
    if (!IsHostName(host)) return std::nullopt;
    return lower;
}

bool HostAllowed(std::string_view host, const std::vector<std::string>& patterns) {
    for (const auto& p : patterns) {
        if (p.starts_with("*.")) {
            const std::string_view suffix = std::string_view(p).substr(1);  // ".example.com"
            if (host.size() > suffix.size() && host.ends_with(suffix)) return true;
        } else if (host == p) {
            return true;
        }
    }
    return false;
}

}  // namespace rt::core
