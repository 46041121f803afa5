#include "app/demo_funnel.hpp"

#include <algorithm>
#include <cmath>

namespace rt::app::demo {

namespace {

constexpr double kRefundRate = 0.035;     // of sales
constexpr double kFullRefundShare = 0.6;  // of refunds; the others give back 10–70%
constexpr double kRecurringRate = 0.2;    // won customers who buy again 25–60 days later

std::int64_t Units(double minor) { return std::max<std::int64_t>(100, std::llround(minor / 100.0) * 100); }

}  // namespace

DemoFunnel::DemoFunnel(const Deps& deps, ports::Vault& vault, SimClock& clock, const std::vector<PartnerPlan>& plans,
                       const TrafficIds& ids, std::uint64_t seed, core::TimePoint start, core::TimePoint end,
                       DemoSummary& summary)
    : clock_(clock),
      referrals_(deps, vault),
      conversions_(deps, vault),
      plans_(plans),
      ids_(ids),
      rng_(seed),
      start_(start),
      end_(end),
      summary_(summary) {}

core::Result<std::int64_t> DemoFunnel::RunUntil(core::TimePoint until) {
    std::int64_t calls = 0;
    while (!due_.empty() && due_.top().at < until.unix_ms) {
        const Due next = due_.top();
        due_.pop();
        const core::TimePoint now{next.at};
        clock_.AdvanceTo(now);
        if (auto ok = Handle(next.job, now); !ok) return core::Fail(ok.error());
        ++calls;
    }
    return calls;
}

core::Money DemoFunnel::Amount(std::int64_t amount) const {
    return {amount, core::Currency::FromTrusted(std::string(kCurrency))};
}

std::size_t DemoFunnel::NewJob(Job job) {
    if (free_.empty()) {
        jobs_.push_back(std::move(job));
        return jobs_.size() - 1;
    }
    const std::size_t index = free_.back();
    free_.pop_back();
    jobs_[index] = std::move(job);
    return index;
}

// Queues the job's next step at `at`; a step after the end of the period never happens.
void DemoFunnel::Schedule(std::int64_t at, std::size_t job) {
    if (at >= end_.unix_ms) return Drop(job);
    due_.push({at, ++scheduled_, job});
}

void DemoFunnel::AddLead(const Lead& lead) {
    Job job{.partner = lead.partner, .customer_no = ++customers_, .customer = "user-" + std::to_string(customers_)};
    double delay_ms = 0;
    switch (lead.kind) {
        case LeadKind::kReferral:  // signs up in the same session, mostly
            job.origin = Origin::kClick;
            job.click_id = lead.click_id;
            delay_ms = rng_.LogNormal(20 * kMinuteMs, 1.5);
            break;
        case LeadKind::kCouponReferral:  // comes back later and types the partner's coupon
            job.origin = Origin::kCoupon;
            delay_ms = rng_.LogNormal(2 * kHourMs, 1.2);
            break;
        case LeadKind::kDirectSale:  // buys at once, as a guest
            job.step = Step::kSale;
            job.origin = Origin::kDirect;
            job.click_id = lead.click_id;
            job.customer = "guest-" + std::to_string(customers_);
            job.amount = DirectSale(rng_);
            delay_ms = rng_.LogNormal(40 * kMinuteMs, 1.0);
            break;
    }
    Schedule(lead.click_at.unix_ms + std::llround(delay_ms), NewJob(std::move(job)));
}

void DemoFunnel::AddDeals(core::TimePoint from, core::TimePoint to) {
    const double trend = 0.75 + 0.5 * static_cast<double>(from.unix_ms - start_.unix_ms) /
                                    static_cast<double>(end_.unix_ms - start_.unix_ms);
    const auto length = static_cast<double>(to.unix_ms - from.unix_ms);
    for (std::size_t p = 0; p < plans_.size(); ++p) {
        if (plans_[p].deals_per_day <= 0) continue;
        for (auto n = rng_.Poisson(plans_[p].deals_per_day * trend * length / kDayMs); n > 0; --n) {
            const auto at = from.unix_ms + static_cast<std::int64_t>(rng_.Between(0, length));
            Job job{.origin = Origin::kDeal,
                    .partner = p,
                    .customer_no = ++customers_,
                    .customer = "acct-" + std::to_string(customers_)};
            job.value = ProposalValue(rng_, true, plans_[p].quality);
            Schedule(at, NewJob(std::move(job)));
        }
    }
}

core::Result<void> DemoFunnel::Handle(std::size_t job, core::TimePoint now) {
    switch (jobs_[job].step) {
        case Step::kCreateReferral:
            return CreateReferral(job, now);
        case Step::kMoveStage:
            return MoveStage(job, now);
        case Step::kSale:
            return Sell(job, now);
        case Step::kRefund:
            return Refund(job, now);
    }
    return {};
}

core::Result<void> DemoFunnel::CreateReferral(std::size_t job, core::TimePoint now) {
    Job& j = jobs_[job];
    const auto person = PersonFor(rng_, j.customer_no);
    ReferralInput input;
    input.customer = {.external_id = j.customer, .email = person.email, .name = person.name};
    Principal who = admin_;
    switch (j.origin) {
        case Origin::kClick:
            input.click_id = j.click_id;
            break;
        case Origin::kCoupon:
            input.program_id = ids_.program_id.str();
            input.coupon = PlanOf(job).coupon;
            ++summary_.coupon_referrals;
            break;
        case Origin::kDeal:  // registered by the partner itself, with its key
            who = Principal{core::Scope::ForPartner(ids_.partners[j.partner]), {}};
            input.customer.name = CompanyName(rng_);
            input.value = Amount(j.value);
            ++summary_.registered_deals;
            break;
        case Origin::kDirect:
            break;
    }
    auto created = referrals_.Create(who, input);
    if (!created) return core::Fail(created.error());
    ++summary_.referrals;
    j.referral_id = created->referral.id.str();
    j.stage = kStageNew;
    Advance(job, now);
    return {};
}

void DemoFunnel::Advance(std::size_t job, core::TimePoint now) {
    Job& j = jobs_[job];
    const auto move = NextMove(rng_, j.stage, j.origin == Origin::kDeal, PlanOf(job).quality);
    if (!move) return Drop(job);
    j.step = Step::kMoveStage;
    j.to = move->to;
    Schedule(now.unix_ms + move->after_ms, job);
}

core::Result<void> DemoFunnel::MoveStage(std::size_t job, core::TimePoint now) {
    Job& j = jobs_[job];
    ReferralPatch patch{.stage = std::string(StageKey(j.to))};
    if (j.to == kStageProposal) {  // the offer puts a value on the deal
        j.value = j.value > 0 ? Units(static_cast<double>(j.value) * rng_.Between(0.8, 1.1))
                              : ProposalValue(rng_, false, PlanOf(job).quality);
        patch.value = Amount(j.value);
    }
    auto moved = referrals_.Patch(admin_, j.referral_id, patch);
    if (!moved) return core::Fail(moved.error());
    ++summary_.stage_moves;
    j.stage = j.to;
    if (j.stage == kStageLost) {
        ++summary_.lost;
        Drop(job);
        return {};
    }
    if (j.stage != kStageWon) {
        Advance(job, now);
        return {};
    }
    ++summary_.won;
    j.step = Step::kSale;
    j.amount = j.value > 0 ? j.value : SelfServeSale(rng_, PlanOf(job).quality);
    Schedule(now.unix_ms + std::llround(rng_.LogNormal(2 * kHourMs, 1.0)), job);
    return {};
}

core::Result<void> DemoFunnel::Sell(std::size_t job, core::TimePoint now) {
    Job& j = jobs_[job];
    j.order_id = "order-" + std::to_string(++orders_);
    ConversionInput input{.program_id = ids_.program_id.str(),
                          .external_id = j.order_id,
                          .amount = j.amount,
                          .currency = std::string(kCurrency),
                          .occurred_at = core::FormatRfc3339(now),
                          .request_hash = "reftrack-demo|" + j.order_id};
    input.customer.external_id = j.customer;
    if (j.origin == Origin::kDirect) {
        input.click_id = j.click_id;
    } else if (!j.recurring) {
        input.referral_id = j.referral_id;
    }
    auto recorded = conversions_.Record(admin_, input);
    if (!recorded) return core::Fail(recorded.error());
    ++summary_.conversions;
    summary_.revenue_minor += j.amount;
    if (j.origin == Origin::kDirect) ++summary_.direct_conversions;
    if (j.recurring) ++summary_.recurring_conversions;
    FollowSale(job, now);
    return {};
}

// After a sale: maybe a refund later, maybe (once, for a won referral's customer) another sale.
void DemoFunnel::FollowSale(std::size_t job, core::TimePoint now) {
    const Job& j = jobs_[job];
    if (rng_.Chance(kRefundRate)) {
        const bool full = rng_.Chance(kFullRefundShare);
        Job refund{.step = Step::kRefund, .partner = j.partner, .order_id = j.order_id, .full_refund = full};
        refund.amount =
            full ? j.amount : std::min(j.amount, Units(static_cast<double>(j.amount) * rng_.Between(0.1, 0.7)));
        const auto after = std::min<std::int64_t>(45 * kDayMs, std::llround(rng_.LogNormal(6 * kDayMs, 0.8)));
        Schedule(now.unix_ms + after, NewJob(std::move(refund)));
    }
    Job& again = jobs_[job];  // NewJob may have grown the deque; its elements stay in place
    if (again.recurring || again.origin == Origin::kDirect || !rng_.Chance(kRecurringRate)) return Drop(job);
    again.recurring = true;
    again.amount = RecurringSale(rng_, again.amount);
    Schedule(now.unix_ms + std::llround(rng_.Between(25, 60) * kDayMs), job);
}

core::Result<void> DemoFunnel::Refund(std::size_t job, core::TimePoint now) {
    const Job& j = jobs_[job];
    ConversionInput input{.program_id = ids_.program_id.str(),
                          .external_id = j.order_id + "-refund",
                          .type = "refund",
                          .refund_of = j.order_id,
                          .amount = j.amount,
                          .currency = std::string(kCurrency),
                          .occurred_at = core::FormatRfc3339(now),
                          .request_hash = "reftrack-demo|" + j.order_id + "-refund"};
    auto recorded = conversions_.Record(admin_, input);
    if (!recorded) return core::Fail(recorded.error());
    ++summary_.refunds;
    if (j.full_refund) ++summary_.full_refunds;
    summary_.refunded_minor += j.amount;
    Drop(job);
    return {};
}

}  // namespace rt::app::demo
