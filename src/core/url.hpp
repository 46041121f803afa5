#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rt::core {

// An absolute http(s) URL, split into the parts redirect safety depends on.
struct HttpUrl {
    std::string scheme;  // "http" or "https", lower-case
    std::string host;    // lower-case DNS name
    int port = 0;        // 0 when absent
    std::string rest;    // path, query and fragment as given ("" or starting with '/', '?' or '#')
};

// Strict parser for destinations: ASCII only, no whitespace, control characters or backslashes, no
// user-info ('@' in the authority), a DNS host name (no IP literals, no percent-encoding), optional
// port. Anything a browser might read differently from us is refused. nullopt on refusal.
std::optional<HttpUrl> ParseHttpUrl(std::string_view text);

// True for a syntactically valid DNS host name of at least two labels, lower-case ("shop.example.com").
bool IsHostName(std::string_view host);

// A program's destination domain: a host name, or "*." followed by one (any sub-domain of it).
// Returns the normalized (lower-case) form, nullopt when invalid.
std::optional<std::string> NormalizeDomainPattern(std::string_view pattern);

// True when `host` equals a pattern, or is a sub-domain of a "*.example.com" pattern.
bool HostAllowed(std::string_view host, const std::vector<std::string>& patterns);

}  // namespace rt::core
