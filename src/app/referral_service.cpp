#include "app/referral_service.hpp"

#include "app/event_log.hpp"
#include "app/funnel_filter.hpp"
#include "app/rollups.hpp"
#include "core/partner.hpp"
#include "core/program.hpp"
#include "core/referral_code.hpp"
#include "core/referral_stage.hpp"

namespace rt::app {

namespace {

constexpr std::int64_t kMsPerDay = 86'400'000;

core::Error ReferralNotFound() { return core::Error::NotFound("no such referral"); }

struct Origin {
    core::PartnerId partner_id;
    core::ProgramId program_id;
    core::ReferralSource source;
    std::string click_id;
    std::string coupon_code;
};

core::Result<core::ProgramId> NamedProgram(const ReferralInput& input) {
    if (!input.program_id) return core::Fail(core::Error::Invalid("program_id", "is required"));
    auto id = core::ProgramId::Parse(*input.program_id);
    if (!id) return core::Fail(core::Error::Invalid("program_id", "is not a program id"));
    return *id;
}

// Which partner and program the referral belongs to, and how we know.
core::Result<Origin> FindOrigin(const Principal& who, const ReferralInput& input, ports::StoreTx& tx) {
    if (input.click_id) {
        auto id = core::ClickId::Parse(*input.click_id);
        auto click = id ? tx.GetClick(*id) : core::Result<core::Click>(core::Fail(core::Error::NotFound("")));
        if (!click) {
            if (click.error().code() != core::ErrorCode::kNotFound) return core::Fail(click.error());
            return core::Fail(core::Error::Invalid("click_id", "no such click"));
        }
        return Origin{click->partner_id, click->program_id, core::ReferralSource::kClick, click->id.str(), ""};
    }
    if (input.coupon) {
        auto program_id = NamedProgram(input);
        if (!program_id) return core::Fail(program_id.error());
        auto coupon = tx.FindCouponByCode(*program_id, core::NormalizeCode(*input.coupon));
        if (!coupon) return core::Fail(coupon.error());
        if (!*coupon || !(*coupon)->active) return core::Fail(core::Error::Invalid("coupon", "no such active coupon"));
        return Origin{(*coupon)->partner_id, *program_id, core::ReferralSource::kCoupon, "", (*coupon)->code};
    }
    std::optional<core::PartnerId> partner_id;
    if (const auto* own = who.partner()) {
        if (input.partner_id && *input.partner_id != *own) return core::Fail(core::Error::NotFound("no such partner"));
        partner_id = core::PartnerId::FromTrusted(*own);
    } else if (input.partner_id) {
        partner_id = core::PartnerId::Parse(*input.partner_id);
        if (!partner_id) return core::Fail(core::Error::Invalid("partner_id", "is not a partner id"));
    } else {
        return core::Fail(core::Error::Invalid("partner_id", "give a click_id, a coupon or a partner_id"));
    }
    auto partner = tx.GetPartner(*partner_id);
    if (!partner) {
        if (partner.error().code() != core::ErrorCode::kNotFound) return core::Fail(partner.error());
        return core::Fail(core::Error::Invalid("partner_id", "no such partner"));
    }
    const auto source = who.partner() != nullptr ? core::ReferralSource::kPartner : core::ReferralSource::kApi;
    return Origin{partner->id, partner->program_id, source, "", ""};
}

// Partner keys see their own referrals; ingest keys those of their program; admins all.
bool MaySee(const Principal& who, const core::Referral& r) {
    if (const auto* own = who.partner()) return *own == r.partner_id.str();
    if (who.scope.kind == core::Scope::Kind::kIngest) return who.scope.target == r.program_id.str();
    return true;
}

core::Result<void> CheckValue(const std::optional<core::Money>& value, const core::Program& program) {
    if (!value) return {};
    if (value->amount < 0) return core::Fail(core::Error::Invalid("value.amount", "must not be negative"));
    if (!(value->currency == program.currency)) {
        return core::Fail(
            core::Error::Invalid("value.currency", "must be the program's currency, " + program.currency.code()));
    }
    return {};
}

}  // namespace

core::Result<ReferralOutcome> ReferralService::Create(const Principal& who, const ReferralInput& input) {
    if (input.customer.empty()) {
        return core::Fail(core::Error::Invalid("customer", "give the customer's external_id or email"));
    }
    if (auto ok = CheckCustomerInput(input.customer, "customer."); !ok) return core::Fail(ok.error());
    return ports::Transact<ReferralOutcome>(
        deps_.store, ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<ReferralOutcome> {
            auto origin = FindOrigin(who, input, tx);
            if (!origin) return core::Fail(origin.error());
            if (who.partner() != nullptr && *who.partner() != origin->partner_id.str()) {
                if (input.click_id) return core::Fail(core::Error::Invalid("click_id", "no such click"));
                return core::Fail(core::Error::Invalid("coupon", "no such active coupon"));
            }
            if (who.scope.kind == core::Scope::Kind::kIngest && who.scope.target != origin->program_id.str()) {
                return core::Fail(core::Error::Forbidden("this ingest key records referrals for another program"));
            }
            auto partner = tx.GetPartner(origin->partner_id);
            if (!partner) return core::Fail(partner.error());
            if (partner->status != core::PartnerStatus::kActive) {
                return core::Fail(core::Error::Conflict("the partner is not active; its referrals are not recorded"));
            }
            auto program = tx.GetProgram(origin->program_id);
            if (!program) return core::Fail(program.error());
            if (auto ok = CheckValue(input.value, *program); !ok) return core::Fail(ok.error());
            auto customer = FindOrCreateCustomer(deps_, vault_, tx, program->id, input.customer);
            if (!customer) return core::Fail(customer.error());
            const auto now = deps_.clock.Now();
            const core::TimePoint since{now.unix_ms - program->attribution.window_days * kMsPerDay};
            auto existing = tx.FindReferralOfCustomer(program->id, customer->id, since);
            if (!existing) return core::Fail(existing.error());
            if (*existing) {
                if (who.partner() != nullptr && *who.partner() != (*existing)->partner_id.str()) {
                    return core::Fail(
                        core::Error::Conflict("the customer was already referred within the attribution window"));
                }
                return ReferralOutcome{**existing, *customer, false};
            }

            core::Referral r;
            r.created_at = r.updated_at = now;
            r.id = core::ReferralId::Generate(now, deps_.random);
            r.program_id = program->id;
            r.partner_id = origin->partner_id;
            r.customer_id = customer->id;
            r.source = origin->source;
            r.click_id = origin->click_id;
            r.coupon_code = origin->coupon_code;
            r.stage = std::string(core::InitialStage(program->stages));
            r.history = {{"", r.stage, now}};
            r.value = input.value;
            if (auto ok = tx.InsertReferral(r); !ok) return core::Fail(ok.error());
            auto event = AppendEvent(deps_, tx, r.program_id, "referral.created", r.id.str(),
                                     {{"partner_id", r.partner_id.str()},
                                      {"customer_id", r.customer_id.str()},
                                      {"source", std::string(core::ToString(r.source))},
                                      {"stage", r.stage}});
            if (!event) return core::Fail(event.error());
            if (auto ok = RollUpNewReferral(tx, r); !ok) return core::Fail(ok.error());
            return ReferralOutcome{r, *customer, true};
        });
}

core::Result<ReferralOutcome> ReferralService::Get(const Principal& who, std::string_view id) {
    const auto referral_id = core::ReferralId::Parse(id);
    if (!referral_id) return core::Fail(ReferralNotFound());
    return ports::Transact<ReferralOutcome>(
        deps_.store, ports::TxMode::kRead, [&](ports::StoreTx& tx) -> core::Result<ReferralOutcome> {
            auto r = tx.GetReferral(*referral_id);
            if (!r) return core::Fail(r.error().code() == core::ErrorCode::kNotFound ? ReferralNotFound() : r.error());
            if (!MaySee(who, *r)) return core::Fail(ReferralNotFound());
            auto customer = tx.GetCustomer(r->customer_id);
            if (!customer) return core::Fail(customer.error());
            return ReferralOutcome{*r, *customer, false};
        });
}

core::Result<ReferralOutcome> ReferralService::Patch(const Principal& who, std::string_view id,
                                                     const ReferralPatch& patch) {
    const auto referral_id = core::ReferralId::Parse(id);
    if (!referral_id) return core::Fail(ReferralNotFound());
    return ports::Transact<ReferralOutcome>(
        deps_.store, ports::TxMode::kWrite, [&](ports::StoreTx& tx) -> core::Result<ReferralOutcome> {
            auto r = tx.GetReferral(*referral_id);
            if (!r) return core::Fail(r.error().code() == core::ErrorCode::kNotFound ? ReferralNotFound() : r.error());
            if (!MaySee(who, *r)) return core::Fail(ReferralNotFound());
            if (who.partner() != nullptr) {
                return core::Fail(
                    core::Error::Forbidden("only admin and ingest keys move referrals along the pipeline"));
            }
            auto program = tx.GetProgram(r->program_id);
            if (!program) return core::Fail(program.error());
            if (auto ok = CheckValue(patch.value, *program); !ok) return core::Fail(ok.error());
            const auto now = deps_.clock.Now();
            const core::Referral before = *r;
            bool changed = false;
            if (patch.stage) {
                auto moved = core::CheckStageMove(program->stages, r->stage, *patch.stage);
                if (!moved) return core::Fail(moved.error());
                if (*moved) {
                    r->history.push_back({r->stage, *patch.stage, now});
                    auto event = AppendEvent(deps_, tx, r->program_id, "referral.stage_changed", r->id.str(),
                                             {{"from", r->stage}, {"to", *patch.stage}});
                    if (!event) return core::Fail(event.error());
                    r->stage = *patch.stage;
                    changed = true;
                }
            }
            if (patch.value && patch.value != r->value) {
                r->value = patch.value;
                auto event = AppendEvent(
                    deps_, tx, r->program_id, "referral.value_changed", r->id.str(),
                    {{"amount", std::to_string(patch.value->amount)}, {"currency", patch.value->currency.code()}});
                if (!event) return core::Fail(event.error());
                changed = true;
            }
            if (changed) {
                r->updated_at = now;
                if (auto ok = tx.UpdateReferral(*r); !ok) return core::Fail(ok.error());
                if (auto ok = RollUpReferralChange(tx, before, *r); !ok) return core::Fail(ok.error());
            }
            auto customer = tx.GetCustomer(r->customer_id);
            if (!customer) return core::Fail(customer.error());
            return ReferralOutcome{*r, *customer, false};
        });
}

core::Result<core::Page<ReferralOutcome>> ReferralService::List(const Principal& who,
                                                                const std::optional<std::string>& program_id,
                                                                const std::optional<std::string>& partner_id,
                                                                const core::PageRequest& page) {
    using PageT = core::Page<ReferralOutcome>;
    auto filter = ScopedFunnelFilter(who, program_id, partner_id);
    if (!filter) return core::Fail(filter.error());
    if (!*filter) return PageT{};
    return ports::Transact<PageT>(deps_.store, ports::TxMode::kRead, [&](ports::StoreTx& tx) -> core::Result<PageT> {
        auto listed = tx.ListReferrals(**filter, page);
        if (!listed) return core::Fail(listed.error());
        PageT out{{}, listed->has_more};
        for (auto& r : listed->data) {
            auto customer = tx.GetCustomer(r.customer_id);
            if (!customer) return core::Fail(customer.error());
            out.data.push_back({std::move(r), std::move(*customer), false});
        }
        return out;
    });
}

}  // namespace rt::app
