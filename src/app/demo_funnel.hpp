#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <queue>
#include <string>
#include <vector>

#include "app/conversion_service.hpp"
#include "app/demo_data.hpp"
#include "app/demo_model.hpp"
#include "app/demo_traffic.hpp"
#include "app/principal.hpp"
#include "app/referral_service.hpp"

namespace rt::app::demo {

// The demo's clock: moved forward by the generator as simulated time passes, never backwards.
class SimClock final : public core::Clock {
  public:
    explicit SimClock(core::TimePoint start) : now_ms_(start.unix_ms) {}
    core::TimePoint Now() override { return {now_ms_.load()}; }
    void AdvanceTo(core::TimePoint t) {
        if (t.unix_ms > now_ms_.load()) now_ms_ = t.unix_ms;
    }

  private:
    std::atomic<std::int64_t> now_ms_;
};

// What follows a lead on the simulated timeline: its referral is created and moves through the pipeline
// (log-normal times in stage, drop-off at every stage, some leads never followed up), a won referral is
// sold, some customers buy again, some sales are refunded in full or in part. Agencies also register deals
// of their own. Each step is a call to the services at its moment, with `clock` moved there first; a step
// due at or after the end of the period never happens. Counts go to `summary`. Not thread-safe.
class DemoFunnel {
  public:
    DemoFunnel(const Deps& deps, ports::Vault& vault, SimClock& clock, const std::vector<PartnerPlan>& plans,
               const TrafficIds& ids, std::uint64_t seed, core::TimePoint start, core::TimePoint end,
               DemoSummary& summary);

    void AddLead(const Lead& lead);
    // The deals agencies register within [from, to).
    void AddDeals(core::TimePoint from, core::TimePoint to);
    // Runs, in time order, every step due before `until`; returns how many service calls it made. On failure
    // the service's error (the caller's transaction must then be abandoned).
    core::Result<std::int64_t> RunUntil(core::TimePoint until);

  private:
    enum class Step : std::uint8_t { kCreateReferral, kMoveStage, kSale, kRefund };
    enum class Origin : std::uint8_t { kClick, kCoupon, kDeal, kDirect };

    // One customer's story, a step at a time.
    struct Job {
        Step step = Step::kCreateReferral;
        Origin origin = Origin::kClick;
        bool recurring = false;
        std::size_t partner = 0;
        std::uint64_t customer_no = 0;
        std::string customer;  // external id
        std::string click_id;
        std::string referral_id;
        int stage = kStageNew;
        int to = kStageNew;
        std::int64_t value = 0;   // a deal's value, minor units; 0 when none
        std::int64_t amount = 0;  // of the sale or refund
        std::string order_id;     // the sale's external id
        bool full_refund = false;
    };
    struct Due {
        std::int64_t at = 0;
        std::uint64_t order = 0;  // ties in time keep scheduling order
        std::size_t job = 0;
        bool operator>(const Due& o) const { return at != o.at ? at > o.at : order > o.order; }
    };

    std::size_t NewJob(Job job);
    void Schedule(std::int64_t at, std::size_t job);
    void Drop(std::size_t job) { free_.push_back(job); }
    core::Result<void> Handle(std::size_t job, core::TimePoint now);
    core::Result<void> CreateReferral(std::size_t job, core::TimePoint now);
    void Advance(std::size_t job, core::TimePoint now);
    core::Result<void> MoveStage(std::size_t job, core::TimePoint now);
    core::Result<void> Sell(std::size_t job, core::TimePoint now);
    void FollowSale(std::size_t job, core::TimePoint now);
    core::Result<void> Refund(std::size_t job, core::TimePoint now);
    core::Money Amount(std::int64_t amount) const;
    const PartnerPlan& PlanOf(std::size_t job) const { return plans_[jobs_[job].partner]; }

    SimClock& clock_;
    ReferralService referrals_;
    ConversionService conversions_;
    const std::vector<PartnerPlan>& plans_;
    const TrafficIds& ids_;
    DemoRng rng_;
    const core::TimePoint start_;
    const core::TimePoint end_;
    DemoSummary& summary_;
    const Principal admin_{core::Scope::Admin(), {}};
    std::deque<Job> jobs_;  // deque: a reference to a job survives NewJob
    std::vector<std::size_t> free_;
    std::priority_queue<Due, std::vector<Due>, std::greater<>> due_;
    std::uint64_t scheduled_ = 0;
    std::uint64_t customers_ = 0;
    std::uint64_t orders_ = 0;
};

}  // namespace rt::app::demo
