#include "core/click.hpp"

#include <algorithm>
#include <utility>

#include "core/text.hpp"

namespace rt::core {

namespace {

constexpr std::pair<DeviceClass, std::string_view> kDeviceClasses[] = {
    {DeviceClass::kDesktop, "desktop"}, {DeviceClass::kMobile, "mobile"},   {DeviceClass::kTablet, "tablet"},
    {DeviceClass::kBot, "bot"},         {DeviceClass::kUnknown, "unknown"},
};

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string_view ToString(DeviceClass d) {
    for (const auto& [value, text] : kDeviceClasses) {
        if (value == d) return text;
    }
    return "unknown";
}

std::optional<DeviceClass> ParseDeviceClass(std::string_view text) {
    for (const auto& [value, name] : kDeviceClasses) {
        if (name == text) return value;
    }
    return std::nullopt;
}

std::string CleanUtmValue(std::string_view value) {
    if (!IsValidUtf8(value)) return {};
    std::string out;
    out.reserve(std::min(value.size(), kMaxUtmLength));
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) continue;
        out.push_back(c);
    }
    if (out.size() <= kMaxUtmLength) return out;
    std::size_t cut = kMaxUtmLength;
    while (cut > 0 && IsContinuationByte(out[cut])) --cut;  // out[cut] starts the first character left out
    out.resize(cut);
    return out;
}

}  // namespace rt::core
