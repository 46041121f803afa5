#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/ids.hpp"
#include "core/time.hpp"

namespace rt::core {

enum class DeviceClass { kDesktop, kMobile, kTablet, kBot, kUnknown };

std::string_view ToString(DeviceClass d);
std::optional<DeviceClass> ParseDeviceClass(std::string_view text);

inline constexpr std::size_t kMaxUtmLength = 200;

// A utm_* value as stored: control characters dropped, cut to kMaxUtmLength bytes without splitting a
// character; empty when the text is not valid UTF-8.
std::string CleanUtmValue(std::string_view value);

// The campaign parameters a visitor arrived with (utm_*), each at most 200 bytes, empty when absent.
struct Utm {
    std::string source;
    std::string medium;
    std::string campaign;
    std::string term;
    std::string content;

    bool operator==(const Utm&) const = default;
};

// One recorded visit through a link. Never holds a raw IP: only its network prefix and a keyed hash.
struct Click {
    ClickId id;  // time-ordered: the id's body starts with `at`
    ProgramId program_id;
    PartnerId partner_id;
    LinkId link_id;
    VisitorId visitor_id;
    TimePoint at;
    std::string referrer_host;  // host of the Referer header, lower-case; empty when absent
    DeviceClass device = DeviceClass::kUnknown;
    Utm utm;
    std::string ip_prefix;  // "203.0.113.0/24" or "2001:db8:1::/48"; empty when unknown
    std::string ip_hash;    // keyed hash of the full address, hex; empty when unknown
    bool bot = false;       // recorded, never counted
    bool unique = true;     // first visit of this visitor through this link within the hour

    bool operator==(const Click&) const = default;
};

}  // namespace rt::core
