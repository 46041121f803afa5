#pragma once

#include <compare>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/random.hpp"
#include "core/time.hpp"

namespace rt::core {

// The 26-character body of every id: 48 bits of milliseconds then 80 random bits, in lower-case
// Crockford base32. Bodies sort by creation time, so indexes on ids stay append-only and a list
// ordered by id is ordered by creation.
std::string NewIdBody(TimePoint now, Random& random);

// True when `body` is 26 characters of the id alphabet whose first character fits in 48 bits.
bool IsIdBody(std::string_view body);

// A public, prefixed, unguessable identifier ("prt_01jd…"). Tag supplies kPrefix.
template <class Tag>
class Id {
  public:
    Id() = default;

    static Id Generate(TimePoint now, Random& random) { return Id(std::string(Tag::kPrefix) + NewIdBody(now, random)); }

    // Accepts only well-formed ids of this type; nullopt otherwise.
    static std::optional<Id> Parse(std::string_view text) {
        if (!text.starts_with(Tag::kPrefix) || !IsIdBody(text.substr(Tag::kPrefix.size()))) return std::nullopt;
        return Id(std::string(text));
    }

    // For ids read back from our own storage, already validated when written.
    static Id FromTrusted(std::string text) { return Id(std::move(text)); }

    const std::string& str() const { return value_; }
    bool empty() const { return value_.empty(); }
    auto operator<=>(const Id&) const = default;

  private:
    explicit Id(std::string value) : value_(std::move(value)) {}
    std::string value_;
};

struct ProgramTag {
    static constexpr std::string_view kPrefix = "prg_";
};
struct PartnerTag {
    static constexpr std::string_view kPrefix = "prt_";
};
struct LinkTag {
    static constexpr std::string_view kPrefix = "lnk_";
};
struct ApiKeyTag {
    static constexpr std::string_view kPrefix = "key_";
};

struct ClickTag {
    static constexpr std::string_view kPrefix = "clk_";
};
struct VisitorTag {
    static constexpr std::string_view kPrefix = "vis_";
};
struct ReferralTag {
    static constexpr std::string_view kPrefix = "ref_";
};
struct CustomerTag {
    static constexpr std::string_view kPrefix = "cus_";
};
struct CouponTag {
    static constexpr std::string_view kPrefix = "cpn_";
};
struct ConversionTag {
    static constexpr std::string_view kPrefix = "cnv_";
};
struct CommissionTag {
    static constexpr std::string_view kPrefix = "com_";
};
struct EventTag {
    static constexpr std::string_view kPrefix = "evt_";
};

using ProgramId = Id<ProgramTag>;
using PartnerId = Id<PartnerTag>;
using LinkId = Id<LinkTag>;
using ApiKeyId = Id<ApiKeyTag>;
using ClickId = Id<ClickTag>;
using VisitorId = Id<VisitorTag>;
using ReferralId = Id<ReferralTag>;
using CustomerId = Id<CustomerTag>;
using CouponId = Id<CouponTag>;
using ConversionId = Id<ConversionTag>;
using CommissionId = Id<CommissionTag>;
using EventId = Id<EventTag>;

}  // namespace rt::core

// Not noexcept, on purpose: libstdc++'s unordered containers store each node's hash code only for a hash
// that may throw (or that it knows is slow, as std::hash<std::string>). Without the stored code, a lookup
// hashed the key of every node it passed in its bucket again: on the redirect's 10,000-link directory,
// string hashing in its lookups fell from 1.9 % to 1.1 % of a click's CPU under perf (docs/benchmarks.md).
template <class Tag>
struct std::hash<rt::core::Id<Tag>> {
    std::size_t operator()(const rt::core::Id<Tag>& id) const { return std::hash<std::string>{}(id.str()); }
};
