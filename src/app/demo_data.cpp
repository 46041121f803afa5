#include "app/demo_data.hpp"

#include <algorithm>
#include <optional>

#include "app/click_batch.hpp"
#include "app/coupon_service.hpp"
#include "app/demo_funnel.hpp"
#include "app/demo_model.hpp"
#include "app/demo_traffic.hpp"
#include "app/link_service.hpp"
#include "app/partner_service.hpp"
#include "app/program_service.hpp"

namespace rt::app {

namespace {

using demo::kCurrency;
using demo::kDayMs;

constexpr std::int64_t kSetupDays = 10;             // the program and its partners exist before the first click
constexpr std::int64_t kTransactionWork = 200'000;  // clicks per write transaction, a service call counting 8
constexpr std::int64_t kServiceCallWork = 8;
constexpr double kDealShare = 0.04;  // deals partners register, relative to referrals from clicks
constexpr std::uint64_t kClickIdStream = 0x636c69636b73ULL;  // separates the clicks' id stream from the services'

// A Store whose every transaction runs inside the one write transaction the generator holds open, so that
// thousands of service calls share one commit. A failing call leaves its partial writes in that
// transaction: the generator then fails the whole transaction, so nothing partial is committed.
class JoinedStore final : public ports::Store {
  public:
    void Join(ports::StoreTx* tx) { tx_ = tx; }

    core::Result<void> Transact(ports::TxMode,
                                const std::function<core::Result<void>(ports::StoreTx&)>& body) override {
        if (tx_ == nullptr) return core::Fail(core::Error::Internal("demo data: no open transaction"));
        return body(*tx_);
    }
    core::Result<int> Migrate() override { return core::Fail(NotHere()); }
    core::Result<int> SchemaVersion() override { return core::Fail(NotHere()); }
    int LatestSchemaVersion() const override { return 0; }
    core::Result<void> Ping() override { return {}; }
    std::string_view Backend() const override { return "demo"; }

  private:
    static core::Error NotHere() { return core::Error::Internal("demo data: not available inside a transaction"); }
    ports::StoreTx* tx_ = nullptr;
};

// splitmix64's finalizer: spreads a seed over all bits.
std::uint64_t Mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

class Generator {
  public:
    // `run_at`: the real moment of the run, which only the ids depend on.
    Generator(const Deps& deps, ports::Vault& vault, const DemoOptions& options, const DemoProgressFn& progress,
              core::TimePoint end, core::TimePoint run_at)
        : base_(deps),
          options_(options),
          progress_(progress),
          end_(end),
          run_at_(run_at),
          start_{end.unix_ms - options.days * kDayMs},
          clock_({start_.unix_ms - kSetupDays * kDayMs}),
          id_random_(Mix(options.seed ^ Mix(static_cast<std::uint64_t>(run_at.unix_ms)))),
          click_id_random_(Mix(kClickIdStream ^ options.seed ^ Mix(static_cast<std::uint64_t>(run_at.unix_ms)))),
          rng_(options.seed),
          deps_{joined_, clock_, id_random_, deps.digest},
          vault_(vault),
          programs_(deps_),
          partners_(deps_),
          links_(deps_),
          coupons_(deps_) {}

    core::Result<DemoSummary> Run();

  private:
    core::Result<void> InTransaction(const std::function<core::Result<void>()>& body);
    core::Result<void> Setup();
    core::Result<void> SetUpPartner(std::size_t index);
    void ScaleDeals();
    core::Result<std::int64_t> RunSlot(std::size_t slot, const demo::ClickFeed::Slot& made);
    void CountClicks(const std::vector<core::Click>& clicks);

    const Deps base_;
    const DemoOptions options_;
    const DemoProgressFn& progress_;
    const core::TimePoint end_;
    const core::TimePoint run_at_;
    const core::TimePoint start_;
    demo::SimClock clock_;
    demo::SeededIdRandom id_random_;        // the services' ids and link codes
    demo::SeededIdRandom click_id_random_;  // clicks' and visitors' ids, drawn on the feed's thread
    demo::DemoRng rng_;
    JoinedStore joined_;
    ports::StoreTx* tx_ = nullptr;
    Deps deps_;
    ports::Vault& vault_;
    ProgramService programs_;
    PartnerService partners_;
    LinkService links_;
    CouponService coupons_;
    const Principal admin_{core::Scope::Admin(), {}};

    std::vector<demo::PartnerPlan> plans_;
    demo::TrafficIds ids_;
    std::optional<demo::ClickSynth> synth_;
    std::optional<demo::DemoFunnel> funnel_;
    DemoSummary summary_;
};

core::Result<DemoSummary> Generator::Run() {
    plans_ = demo::PlanPartners(rng_, options_.partners, options_.days);
    ScaleDeals();
    if (auto ok = InTransaction([&] { return Setup(); }); !ok) return core::Fail(ok.error());
    synth_.emplace(plans_, ids_, Mix(options_.seed + 1), click_id_random_, base_.digest, start_, end_, options_.clicks);
    funnel_.emplace(deps_, vault_, clock_, plans_, ids_, Mix(options_.seed + 2), start_, end_, summary_);
    {
        demo::ClickFeed feed(*synth_);
        for (std::size_t slot = 0; slot < synth_->slots();) {
            auto ok = InTransaction([&]() -> core::Result<void> {
                for (std::int64_t work = 0; slot < synth_->slots() && work < kTransactionWork; ++slot) {
                    auto done = RunSlot(slot, feed.Next());
                    if (!done) return core::Fail(done.error());
                    work += *done;
                    if (progress_)
                        progress_({summary_.clicks, options_.clicks, summary_.referrals, summary_.conversions});
                }
                return {};
            });
            if (!ok) return core::Fail(ok.error());
        }
    }
    summary_.clicks_by_partner = synth_->clicks_by_partner();
    return summary_;
}

core::Result<void> Generator::InTransaction(const std::function<core::Result<void>()>& body) {
    return base_.store.Transact(ports::TxMode::kWrite, [&](ports::StoreTx& tx) {
        tx_ = &tx;
        joined_.Join(&tx);
        auto done = body();
        joined_.Join(nullptr);
        tx_ = nullptr;
        return done;
    });
}

core::Result<void> Generator::Setup() {
    auto when = core::FormatRfc3339(run_at_).substr(0, 16);  // "2026-11-24T10:00"
    when[10] = ' ';
    const auto name = "Demo program " + when + " UTC (seed " + std::to_string(options_.seed) + ")";
    core::CommissionPlan plan{.default_rule = {.kind = core::CommissionRule::Kind::kPercent, .percent_bps = 1000}};
    using Kind = core::CommissionRule::Kind;
    plan.by_group = {{"gold", {.kind = Kind::kPercent, .percent_bps = 2500}},
                     {"silver", {.kind = Kind::kPercent, .percent_bps = 2000}},
                     {"bronze", {.kind = Kind::kPercent, .percent_bps = 1500}},
                     {"agency", {.kind = Kind::kFlat, .flat_minor = 15'000}}};
    std::vector<core::Stage> stages;
    for (int s = demo::kStageNew; s <= demo::kStageLost; ++s) {
        std::string key(demo::StageKey(s));
        std::string title = key;
        title[0] = static_cast<char>(title[0] - 'a' + 'A');
        stages.push_back({key, title,
                          s == demo::kStageWon    ? core::StageKind::kWon
                          : s == demo::kStageLost ? core::StageKind::kLost
                                                  : core::StageKind::kOpen});
    }
    auto program = programs_.Create(
        admin_,
        {.name = name,
         .currency = std::string(kCurrency),
         .destination_domains = std::vector<std::string>{"shop.example.com", "*.acme.example.com"},
         .attribution = core::AttributionSettings{.model = core::AttributionModel::kLastClick, .window_days = 90},
         .commission = plan,
         .stages = stages});
    if (!program) return core::Fail(program.error());
    summary_.program_id = ids_.program_id = program->id;
    summary_.program_name = name;
    summary_.currency = std::string(kCurrency);
    for (std::size_t i = 0; i < plans_.size(); ++i) {
        // Partners join over the days before the period, one after the other.
        const auto spread =
            (kSetupDays - 1) * kDayMs * static_cast<std::int64_t>(i + 1) / static_cast<std::int64_t>(plans_.size() + 1);
        clock_.AdvanceTo({start_.unix_ms - kSetupDays * kDayMs + spread});
        if (auto ok = SetUpPartner(i); !ok) return ok;
    }
    return {};
}

core::Result<void> Generator::SetUpPartner(std::size_t index) {
    const auto& plan = plans_[index];
    auto partner = partners_.Create(admin_, {.program_id = ids_.program_id.str(),
                                             .name = plan.name,
                                             .email = plan.email,
                                             .status = plan.pending ? "pending" : "active",
                                             .group = plan.group});
    if (!partner) return core::Fail(partner.error());
    ++summary_.partners;
    if (plan.pending) ++summary_.pending_partners;
    ids_.partners.push_back(partner->id);
    auto& link_ids = ids_.links.emplace_back();
    for (const auto& l : plan.links) {
        auto link = links_.Create(admin_, {.partner_id = partner->id.str(),
                                           .destination = l.destination,
                                           .campaign = l.campaign.empty() ? std::nullopt : std::optional(l.campaign),
                                           .channel = std::string(demo::ChannelName(l.channel))});
        if (!link) return core::Fail(link.error());
        link_ids.push_back(link->id);
        ++summary_.links;
    }
    if (!plan.coupon.empty()) {
        auto coupon = coupons_.Create(admin_, {.partner_id = partner->id.str(), .code = plan.coupon});
        if (!coupon) return core::Fail(coupon.error());
        ++summary_.coupons;
    }
    return {};
}

// Agencies register deals at a rate that makes them about kDealShare of the referrals clicks bring.
void Generator::ScaleDeals() {
    double weight = 0;
    double referral_weight = 0;
    double deal_weight = 0;
    for (const auto& p : plans_) {
        weight += p.weight;
        referral_weight += p.weight * (1 - p.bot_share) * p.referral_rate;
        deal_weight += p.deals_per_day;
    }
    if (weight <= 0 || deal_weight <= 0) return;
    const double click_referrals = static_cast<double>(options_.clicks) * 0.9 * referral_weight / weight;
    const double per_day = kDealShare * click_referrals / options_.days;
    for (auto& p : plans_) p.deals_per_day = per_day * p.deals_per_day / deal_weight;
}

core::Result<std::int64_t> Generator::RunSlot(std::size_t slot, const demo::ClickFeed::Slot& made) {
    const auto from = synth_->SlotStart(slot);
    const auto to = synth_->SlotEnd(slot);
    const auto& clicks = made.clicks;
    if (slot % 24 == 0) funnel_->AddDeals(from, {std::min(end_.unix_ms, from.unix_ms + kDayMs)});
    auto work = static_cast<std::int64_t>(clicks.size());
    if (!clicks.empty()) {
        clock_.AdvanceTo(from);
        if (auto ok = tx_->InsertClicks(clicks); !ok) return core::Fail(ok.error());
        if (auto ok = AfterClicksInserted(deps_, *tx_, clicks, RollupWrites::kNow); !ok) return core::Fail(ok.error());
        CountClicks(clicks);
    }
    for (const auto& lead : made.leads) funnel_->AddLead(lead);
    auto calls = funnel_->RunUntil(to);
    if (!calls) return core::Fail(calls.error());
    return work + *calls * kServiceCallWork;
}

void Generator::CountClicks(const std::vector<core::Click>& clicks) {
    summary_.clicks += static_cast<std::int64_t>(clicks.size());
    for (const auto& c : clicks) {
        if (c.bot) {
            ++summary_.bot_clicks;
            continue;
        }
        if (c.unique) ++summary_.unique_clicks;
        ++summary_.human_clicks_by_weekday[static_cast<std::size_t>(demo::Weekday(c.at))];
    }
}

}  // namespace

core::Result<void> CheckDemoOptions(const DemoOptions& o) {
    core::FieldErrors errors;
    if (o.partners < 1 || o.partners > DemoOptions::kMaxPartners) {
        errors.Add("partners", "must be 1 to " + std::to_string(DemoOptions::kMaxPartners));
    }
    if (o.days < 1 || o.days > DemoOptions::kMaxDays) {
        errors.Add("days", "must be 1 to " + std::to_string(DemoOptions::kMaxDays));
    }
    if (o.clicks < 0 || o.clicks > DemoOptions::kMaxClicks) {
        errors.Add("clicks", "must be 0 to " + std::to_string(DemoOptions::kMaxClicks));
    }
    return errors.ToResult();
}

core::Result<DemoSummary> GenerateDemoData(const Deps& deps, ports::Vault& vault, const DemoOptions& options,
                                           const DemoProgressFn& progress) {
    if (auto ok = CheckDemoOptions(options); !ok) return core::Fail(ok.error());
    const auto now = deps.clock.Now();
    const core::TimePoint midnight{now.unix_ms - ((now.unix_ms % kDayMs) + kDayMs) % kDayMs};
    Generator generator(deps, vault, options, progress, options.end.value_or(midnight), now);
    return generator.Run();
}

}  // namespace rt::app
