#include "app/coupon_service.hpp"

#include "app/event_log.hpp"
#include "core/partner.hpp"
#include "core/referral_code.hpp"

namespace rt::app {

namespace {

core::Error CouponNotFound() { return core::Error::NotFound("no such coupon"); }

core::Result<core::PartnerId> PartnerOf(const Principal& who, const CouponInput& input) {
    if (const auto* own = who.partner()) {
        if (input.partner_id && *input.partner_id != *own) return core::Fail(core::Error::NotFound("no such partner"));
        return core::PartnerId::FromTrusted(*own);
    }
    if (!input.partner_id) return core::Fail(core::Error::Invalid("partner_id", "is required"));
    auto id = core::PartnerId::Parse(*input.partner_id);
    if (!id) return core::Fail(core::Error::Invalid("partner_id", "is not a partner id"));
    return *id;
}

}  // namespace

core::Result<core::Coupon> CouponService::Create(const Principal& who, const CouponInput& input) {
    if (auto ok = RejectIngest(who); !ok) return core::Fail(ok.error());
    auto partner_id = PartnerOf(who, input);
    if (!partner_id) return core::Fail(partner_id.error());
    if (!input.code) return core::Fail(core::Error::Invalid("code", "is required"));
    if (auto problem = core::VanityCodeProblem(*input.code)) return core::Fail(core::Error::Invalid("code", *problem));
    return ports::Transact<core::Coupon>(
        deps_.store, ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<core::Coupon> {
            auto partner = tx.GetPartner(*partner_id);
            if (!partner) {
                if (partner.error().code() != core::ErrorCode::kNotFound) return core::Fail(partner.error());
                return core::Fail(core::Error::Invalid("partner_id", "no such partner"));
            }
            if (partner->status != core::PartnerStatus::kActive) {
                return core::Fail(core::Error::Conflict("only active partners get coupons"));
            }
            core::Coupon coupon;
            coupon.created_at = deps_.clock.Now();
            coupon.id = core::CouponId::Generate(coupon.created_at, deps_.random);
            coupon.program_id = partner->program_id;
            coupon.partner_id = partner->id;
            coupon.code = core::NormalizeCode(*input.code);
            if (auto ok = tx.InsertCoupon(coupon); !ok) return core::Fail(ok.error());
            auto event = AppendEvent(deps_, tx, coupon.program_id, "coupon.created", coupon.id.str(),
                                     {{"partner_id", coupon.partner_id.str()}, {"code", coupon.code}});
            if (!event) return core::Fail(event.error());
            return coupon;
        });
}

core::Result<core::Coupon> CouponService::Get(const Principal& who, std::string_view id) {
    if (auto ok = RejectIngest(who); !ok) return core::Fail(ok.error());
    const auto coupon_id = core::CouponId::Parse(id);
    if (!coupon_id) return core::Fail(CouponNotFound());
    auto coupon = ports::Transact<core::Coupon>(deps_.store, ports::TxMode::kRead,
                                                [&](ports::StoreTx& tx) { return tx.GetCoupon(*coupon_id); });
    if (coupon && who.partner() != nullptr && *who.partner() != coupon->partner_id.str()) {
        return core::Fail(CouponNotFound());
    }
    return coupon;
}

core::Result<core::Page<core::Coupon>> CouponService::List(const Principal& who,
                                                           const std::optional<std::string>& program_id,
                                                           const core::PageRequest& page) {
    if (auto ok = RejectIngest(who); !ok) return core::Fail(ok.error());
    ports::FunnelFilter filter;
    if (program_id) {
        auto id = core::ProgramId::Parse(*program_id);
        if (!id) return core::Fail(core::Error::Invalid("program_id", "is not a program id"));
        filter.program_id = *id;
    }
    if (const auto* own = who.partner()) filter.partner_id = core::PartnerId::FromTrusted(*own);
    using PageT = core::Page<core::Coupon>;
    return ports::Transact<PageT>(deps_.store, ports::TxMode::kRead,
                                  [&](ports::StoreTx& tx) { return tx.ListCoupons(filter, page); });
}

}  // namespace rt::app
