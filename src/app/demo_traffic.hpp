#pragma once

#include <array>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "app/demo_model.hpp"
#include "core/click.hpp"
#include "core/event.hpp"
#include "core/ids.hpp"

namespace rt::app::demo {

// What a visit leads to, decided as the click is made; the funnel takes it from there.
enum class LeadKind { kReferral, kCouponReferral, kDirectSale };

struct Lead {
    LeadKind kind = LeadKind::kReferral;
    std::size_t partner = 0;
    core::TimePoint click_at;
    std::string click_id;
};

// The stored ids of the planned partners and links.
struct TrafficIds {
    core::ProgramId program_id;
    std::vector<core::PartnerId> partners;         // by partner index
    std::vector<std::vector<core::LinkId>> links;  // by partner index, in plan order
};

// The clicks of the simulated period, one hour slot at a time: exactly `clicks` of them, spread by
// TrafficIntensity, a day-to-day wobble and the partners' bursts; each slot's partners drawn by their
// weights of the day. Humans are new visitors or come back (through the same link or another one), with
// a device, a network prefix from reserved ranges (100.64.0.0/10, 2001:db8::/32) and a hash of a
// synthetic address; `unique` follows the redirect's rule (first visit of the visitor through the link
// within the hour). Bots get a fresh visitor each time, a datacenter-like prefix (198.18.0.0/15) and are
// never unique. Not thread-safe.
class ClickSynth {
  public:
    ClickSynth(const std::vector<PartnerPlan>& plans, TrafficIds ids, std::uint64_t seed, core::Random& id_random,
               core::Digest& digest, core::TimePoint start, core::TimePoint end, std::int64_t clicks);

    std::size_t slots() const { return counts_.size(); }
    core::TimePoint SlotStart(std::size_t slot) const;
    core::TimePoint SlotEnd(std::size_t slot) const;
    std::int64_t SlotClicks(std::size_t slot) const { return counts_[slot]; }

    // Appends the slot's clicks to `out`, in ascending id (and time) order, and the leads they make to
    // `leads`. Slots must be generated in order.
    void Generate(std::size_t slot, std::vector<core::Click>& out, std::vector<Lead>& leads);

    // Clicks generated so far, by partner index.
    const std::vector<std::int64_t>& clicks_by_partner() const { return clicks_by_partner_; }

  private:
    struct Visitor {
        std::uint64_t seq = 0;  // 0: an empty place in the pool
        core::VisitorId id;
        core::DeviceClass device = core::DeviceClass::kUnknown;
        std::string ip_prefix;
        std::string ip_hash;
        bool converted = false;  // became a referral or a customer: leads no further
    };
    struct Address {
        std::string prefix;
        std::string hash;
    };

    void AllocateClicks(std::int64_t clicks);
    double BurstFactor(std::size_t partner, int day) const;
    void WeighPartnersFor(int day);
    Address NewAddress(bool bot);
    Visitor& VisitorFor(std::size_t link, core::TimePoint at, Channel channel);
    Visitor* Recent(std::uint64_t seq);
    void Remember(std::size_t link, const Visitor& v);
    bool Unique(const Visitor& v, std::size_t link, core::TimePoint at);
    std::size_t PickPartner();
    void DecideLead(std::size_t partner, Visitor& v, const core::Click& c, std::vector<Lead>& leads);
    void MakeClick(core::TimePoint at, std::vector<core::Click>& out, std::vector<Lead>& leads);

    const std::vector<PartnerPlan>& plans_;
    TrafficIds ids_;
    DemoRng rng_;
    core::Random& id_random_;
    core::Digest& digest_;
    core::TimePoint start_;
    core::TimePoint end_;
    std::vector<std::int64_t> counts_;    // clicks per hour slot
    std::vector<std::size_t> link_base_;  // first global link index of each partner
    std::vector<double> partner_cdf_;     // cumulative weights of the current day
    int weighed_day_ = -1;
    std::vector<Visitor> pool_;  // recent visitors, by seq modulo its size
    std::uint64_t visitors_ = 0;
    std::vector<std::array<std::uint64_t, 4>> recent_by_link_;
    std::vector<std::uint64_t> recent_;  // any link's recent visitors, a ring
    std::size_t recent_next_ = 0;
    std::unordered_map<std::uint64_t, std::int64_t> last_unique_ms_;  // by (visitor seq, link)
    std::vector<Address> bot_addresses_;
    std::vector<std::int64_t> times_;
    std::vector<std::int64_t> clicks_by_partner_;
};

// Runs a ClickSynth on a thread of its own, a bounded number of slots ahead of the consumer, so that
// making clicks overlaps with writing them. Nobody else may use the synth while the feed lives.
class ClickFeed {
  public:
    struct Slot {
        std::vector<core::Click> clicks;
        std::vector<Lead> leads;
    };

    explicit ClickFeed(ClickSynth& synth);
    ~ClickFeed();  // stops the thread, even midway
    ClickFeed(const ClickFeed&) = delete;
    ClickFeed& operator=(const ClickFeed&) = delete;

    // The next slot, in slot order; blocks until it is made. Precondition: called at most synth.slots() times.
    Slot Next();

  private:
    void Run();

    ClickSynth& synth_;
    std::mutex mu_;
    std::condition_variable changed_;
    std::deque<Slot> ready_;        // guarded by mu_
    std::size_t ready_clicks_ = 0;  // guarded by mu_
    bool stop_ = false;             // guarded by mu_
    std::thread thread_;
};

}  // namespace rt::app::demo
