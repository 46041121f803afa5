#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/deps.hpp"
#include "app/principal.hpp"
#include "core/coupon.hpp"
#include "core/page.hpp"

namespace rt::app {

struct CouponInput {
    std::optional<std::string> partner_id;  // required for admin keys; implied for partner keys
    std::optional<std::string> code;        // 3..64 of [A-Za-z0-9_-]; case-insensitive
};

// Coupons: codes a partner hands out. Admins manage all; a partner key creates and sees its own;
// ingest keys none. Blocking; thread-safe.
class CouponService {
  public:
    explicit CouponService(Deps deps) : deps_(deps) {}

    // kConflict when the program already has the code or the partner is not active.
    core::Result<core::Coupon> Create(const Principal& who, const CouponInput& input);
    core::Result<core::Coupon> Get(const Principal& who, std::string_view id);
    core::Result<core::Page<core::Coupon>> List(const Principal& who, const std::optional<std::string>& program_id,
                                                const core::PageRequest& page);

  private:
    Deps deps_;
};

}  // namespace rt::app
