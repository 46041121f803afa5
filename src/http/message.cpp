#include "http/message.hpp"

#include <algorithm>
#include <cctype>

namespace rt::http {

std::string_view ToString(Method m) {
    switch (m) {
        case Method::kGet:
            return "GET";
        case Method::kHead:
            return "HEAD";
        case Method::kPost:
            return "POST";
        case Method::kPut:
            return "PUT";
        case Method::kPatch:
            return "PATCH";
        case Method::kDelete:
            return "DELETE";
        case Method::kOptions:
            return "OPTIONS";
        case Method::kOther:
            return "OTHER";
    }
    return "OTHER";
}

namespace {
bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}
}  // namespace

std::optional<std::string_view> Request::HeaderValue(std::string_view name) const {
    for (const auto& h : headers) {
        if (EqualsIgnoreCase(h.name, name)) return std::string_view(h.value);
    }
    return std::nullopt;
}

void Response::SetHeader(std::string name, std::string value) {
    for (auto& h : headers) {
        if (EqualsIgnoreCase(h.name, name)) {
            h.value = std::move(value);
            return;
        }
    }
    headers.push_back({std::move(name), std::move(value)});
}

}  // namespace rt::http
