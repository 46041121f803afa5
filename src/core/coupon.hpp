#pragma once

#include <string>

#include "core/ids.hpp"
#include "core/time.hpp"

namespace rt::core {

// A code a partner hands out; a referral or conversion naming it is that partner's.
struct Coupon {
    CouponId id;
    ProgramId program_id;
    PartnerId partner_id;
    std::string code;  // normalized (lower-case); unique within the program
    bool active = true;
    TimePoint created_at;

    bool operator==(const Coupon&) const = default;
};

}  // namespace rt::core
