#include "app/demo_traffic.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace rt::app::demo {

namespace {

constexpr std::size_t kPoolSize = 1 << 17;  // visitors remembered for return visits (~days at 10M clicks a year)
constexpr std::size_t kRecentSize = 4096;
constexpr std::size_t kFeedSlots = 48;        // slots made ahead of the writer, at most
constexpr std::size_t kFeedClicks = 200'000;  // clicks made ahead of the writer, at most
constexpr int kBurstDays = 30;                // a burst is over after this many days
constexpr double kSameLinkReturn = 0.12;
constexpr double kOtherLinkReturn = 0.06;
constexpr double kCouponInsteadOfClick = 0.25;
constexpr double kDirectSaleRate = 0.004;  // per unique human click that does not become a referral
constexpr double kBareLink = 0.22;         // shared without its UTM parameters

std::string Hex(std::uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(v));
    return buf;
}

core::DeviceClass DeviceFor(DemoRng& rng, Channel channel) {
    const bool phone_first = channel == Channel::kSocial || channel == Channel::kYoutube;
    const std::array<double, 4> weights =
        phone_first ? std::array<double, 4>{0.30, 0.60, 0.07, 0.03} : std::array<double, 4>{0.55, 0.35, 0.06, 0.04};
    constexpr std::array kDevices{core::DeviceClass::kDesktop, core::DeviceClass::kMobile, core::DeviceClass::kTablet,
                                  core::DeviceClass::kUnknown};
    return kDevices[rng.Pick(weights)];
}

// Insertion sort by id: clicks arrive in time order, so only clicks of the same millisecond move.
void SortById(std::vector<core::Click>& clicks, std::size_t first) {
    for (std::size_t i = first + 1; i < clicks.size(); ++i) {
        for (std::size_t j = i; j > first && clicks[j].id < clicks[j - 1].id; --j) std::swap(clicks[j], clicks[j - 1]);
    }
}

}  // namespace

ClickSynth::ClickSynth(const std::vector<PartnerPlan>& plans, TrafficIds ids, std::uint64_t seed,
                       core::Random& id_random, core::Digest& digest, core::TimePoint start, core::TimePoint end,
                       std::int64_t clicks)
    : plans_(plans),
      ids_(std::move(ids)),
      rng_(seed),
      id_random_(id_random),
      digest_(digest),
      start_(start),
      end_(end),
      pool_(kPoolSize),
      recent_(kRecentSize, 0),
      clicks_by_partner_(plans.size(), 0) {
    std::size_t links = 0;
    for (const auto& p : plans_) {
        link_base_.push_back(links);
        links += p.links.size();
    }
    recent_by_link_.assign(links, {});
    for (int i = 0; i < 64; ++i) bot_addresses_.push_back(NewAddress(true));
    AllocateClicks(clicks);
}

core::TimePoint ClickSynth::SlotStart(std::size_t slot) const {
    return {start_.unix_ms + static_cast<std::int64_t>(slot) * kHourMs};
}

core::TimePoint ClickSynth::SlotEnd(std::size_t slot) const {
    return {std::min(end_.unix_ms, SlotStart(slot).unix_ms + kHourMs)};
}

double ClickSynth::BurstFactor(std::size_t partner, int day) const {
    double factor = 1;
    for (const auto& b : plans_[partner].bursts) {
        if (day < b.day || day - b.day > kBurstDays) continue;
        factor += b.boost * std::exp2(-(day - b.day) / b.half_life_days);
    }
    return factor;
}

// Each hour's share of the clicks: its intensity, times a wobble per day and the day's burst traffic;
// the largest remainders round the shares so that they add up to `clicks` exactly.
void ClickSynth::AllocateClicks(std::int64_t clicks) {
    const auto hours = static_cast<std::size_t>((end_.unix_ms - start_.unix_ms + kHourMs - 1) / kHourMs);
    const std::size_t days = (hours + 23) / 24;
    double base = 0;
    for (const auto& p : plans_) base += p.weight;
    std::vector<double> day_factor(days, 1.0);
    for (std::size_t d = 0; d < days; ++d) {
        double total = 0;
        for (std::size_t p = 0; p < plans_.size(); ++p) {
            if (!plans_[p].bursts.empty()) total += plans_[p].weight * (BurstFactor(p, static_cast<int>(d)) - 1);
        }
        day_factor[d] = rng_.LogNormal(1, 0.12) * (base > 0 ? 1 + total / base : 1);
    }
    std::vector<double> shares(hours);
    for (std::size_t h = 0; h < hours; ++h) {
        const core::TimePoint mid{SlotStart(h).unix_ms + kHourMs / 2};
        const double part = static_cast<double>(SlotEnd(h).unix_ms - SlotStart(h).unix_ms) / kHourMs;
        shares[h] = TrafficIntensity(mid, start_, end_) * day_factor[h / 24] * part;
    }
    const double sum = std::accumulate(shares.begin(), shares.end(), 0.0);
    counts_.assign(hours, 0);
    std::vector<std::pair<double, std::size_t>> remainders(hours);
    std::int64_t given = 0;
    for (std::size_t h = 0; h < hours; ++h) {
        const double exact = sum > 0 ? static_cast<double>(clicks) * shares[h] / sum : 0;
        counts_[h] = static_cast<std::int64_t>(std::floor(exact));
        given += counts_[h];
        remainders[h] = {exact - std::floor(exact), h};
    }
    std::sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (std::size_t i = 0; given < clicks && hours > 0; i = (i + 1) % hours, ++given) ++counts_[remainders[i].second];
}

void ClickSynth::WeighPartnersFor(int day) {
    partner_cdf_.resize(plans_.size());
    double total = 0;
    for (std::size_t p = 0; p < plans_.size(); ++p) {
        if (plans_[p].weight > 0) total += plans_[p].weight * BurstFactor(p, day);
        partner_cdf_[p] = total;
    }
    weighed_day_ = day;
}

ClickSynth::Address ClickSynth::NewAddress(bool bot) {
    std::string address;
    Address out;
    if (bot) {
        const auto net = rng_.Below(512);
        const std::string prefix = "198." + std::to_string(18 + net / 256) + "." + std::to_string(net % 256);
        out.prefix = prefix + ".0/24";
        address = prefix + "." + std::to_string(1 + rng_.Below(254));
    } else if (rng_.Chance(0.75)) {
        const auto net = rng_.Below(64 * 256);
        const std::string prefix = "100." + std::to_string(64 + net / 256) + "." + std::to_string(net % 256);
        out.prefix = prefix + ".0/24";
        address = prefix + "." + std::to_string(1 + rng_.Below(254));
    } else {
        const std::string prefix = "2001:db8:" + Hex(rng_.Below(65536));
        out.prefix = prefix + "::/48";
        address = prefix + ":" + Hex(rng_.Below(65536)) + "::" + Hex(1 + rng_.Below(65535));
    }
    out.hash = core::ToHex(digest_.Sha256("reftrack-demo-ip|" + address));
    return out;
}

ClickSynth::Visitor* ClickSynth::Recent(std::uint64_t seq) {
    auto& v = pool_[seq % kPoolSize];
    return seq != 0 && v.seq == seq ? &v : nullptr;
}

ClickSynth::Visitor& ClickSynth::VisitorFor(std::size_t link, core::TimePoint at, Channel channel) {
    const double r = rng_.Unit();
    Visitor* back = nullptr;
    if (r < kSameLinkReturn) {
        const auto& ring = recent_by_link_[link];
        back = Recent(rng_.Chance(0.5) ? ring[0] : ring[rng_.Below(ring.size())]);
    } else if (r < kSameLinkReturn + kOtherLinkReturn) {
        back = Recent(recent_[rng_.Below(recent_.size())]);
    }
    if (back != nullptr) return *back;
    auto& v = pool_[++visitors_ % kPoolSize];
    v.seq = visitors_;
    v.id = core::VisitorId::Generate(at, id_random_);
    v.device = DeviceFor(rng_, channel);
    auto address = NewAddress(false);
    v.ip_prefix = std::move(address.prefix);
    v.ip_hash = std::move(address.hash);
    v.converted = false;
    return v;
}

void ClickSynth::Remember(std::size_t link, const Visitor& v) {
    auto& ring = recent_by_link_[link];
    std::move_backward(ring.begin(), ring.end() - 1, ring.end());
    ring[0] = v.seq;
    recent_[recent_next_] = v.seq;
    recent_next_ = (recent_next_ + 1) % recent_.size();
}

bool ClickSynth::Unique(const Visitor& v, std::size_t link, core::TimePoint at) {
    auto [it, fresh] = last_unique_ms_.try_emplace((v.seq << 24) ^ link, at.unix_ms);
    if (fresh) return true;
    if (at.unix_ms - it->second < kHourMs) return false;
    it->second = at.unix_ms;
    return true;
}

std::size_t ClickSynth::PickPartner() {
    const double x = rng_.Unit() * partner_cdf_.back();
    const auto found = std::upper_bound(partner_cdf_.begin(), partner_cdf_.end(), x) - partner_cdf_.begin();
    return std::min(static_cast<std::size_t>(found), plans_.size() - 1);
}

// Whether this unique visit by someone who is not a customer yet leads anywhere.
void ClickSynth::DecideLead(std::size_t partner, Visitor& v, const core::Click& c, std::vector<Lead>& leads) {
    const auto& plan = plans_[partner];
    if (rng_.Chance(plan.referral_rate)) {
        v.converted = true;
        const bool coupon = !plan.coupon.empty() && rng_.Chance(kCouponInsteadOfClick);
        leads.push_back({coupon ? LeadKind::kCouponReferral : LeadKind::kReferral, partner, c.at, c.id.str()});
    } else if (rng_.Chance(kDirectSaleRate)) {
        v.converted = true;
        leads.push_back({LeadKind::kDirectSale, partner, c.at, c.id.str()});
    }
}

void ClickSynth::MakeClick(core::TimePoint at, std::vector<core::Click>& out, std::vector<Lead>& leads) {
    const std::size_t partner = PickPartner();
    const auto& plan = plans_[partner];
    ++clicks_by_partner_[partner];
    std::array<double, 3> shares{};
    for (std::size_t i = 0; i < plan.links.size(); ++i) shares[i] = plan.links[i].weight;
    const std::size_t l = rng_.Pick(std::span<const double>(shares.data(), plan.links.size()));
    const auto& link = plan.links[l];
    core::Click& c = out.emplace_back();
    c.id = core::ClickId::Generate(at, id_random_);
    c.program_id = ids_.program_id;
    c.partner_id = ids_.partners[partner];
    c.link_id = ids_.links[partner][l];
    c.at = at;
    if (!rng_.Chance(kBareLink)) c.utm = {link.utm_source, link.utm_medium, link.campaign, "", link.utm_content};
    if (rng_.Chance(plan.bot_share)) {  // crawlers and link previews: no cookie, so a new visitor each time
        const auto& address = bot_addresses_[rng_.Below(bot_addresses_.size())];
        c.visitor_id = core::VisitorId::Generate(at, id_random_);
        c.device = core::DeviceClass::kBot;
        c.bot = true;
        c.unique = false;
        c.ip_prefix = address.prefix;
        c.ip_hash = address.hash;
        return;
    }
    const std::size_t global_link = link_base_[partner] + l;
    Visitor& v = VisitorFor(global_link, at, link.channel);
    c.visitor_id = v.id;
    c.device = v.device;
    c.ip_prefix = v.ip_prefix;
    c.ip_hash = v.ip_hash;
    c.referrer_host = link.referrer_hosts[rng_.Pick(link.referrer_weights)];
    c.unique = Unique(v, global_link, at);
    Remember(global_link, v);
    if (c.unique && !v.converted) DecideLead(partner, v, c, leads);
}

void ClickSynth::Generate(std::size_t slot, std::vector<core::Click>& out, std::vector<Lead>& leads) {
    const auto from = SlotStart(slot).unix_ms;
    const auto to = SlotEnd(slot).unix_ms;
    if (const int day = static_cast<int>(slot / 24); day != weighed_day_) WeighPartnersFor(day);
    std::erase_if(last_unique_ms_, [&](const auto& entry) { return entry.second <= from - kHourMs; });
    if (counts_[slot] == 0 || partner_cdf_.empty() || partner_cdf_.back() <= 0) return;
    times_.resize(static_cast<std::size_t>(counts_[slot]));
    for (auto& t : times_) t = from + static_cast<std::int64_t>(rng_.Below(static_cast<std::uint64_t>(to - from)));
    std::sort(times_.begin(), times_.end());
    const std::size_t first = out.size();
    for (const auto t : times_) MakeClick({t}, out, leads);
    SortById(out, first);
}

ClickFeed::ClickFeed(ClickSynth& synth) : synth_(synth), thread_([this] { Run(); }) {}

ClickFeed::~ClickFeed() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

ClickFeed::Slot ClickFeed::Next() {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return !ready_.empty(); });
    Slot slot = std::move(ready_.front());
    ready_.pop_front();
    ready_clicks_ -= slot.clicks.size();
    lock.unlock();
    changed_.notify_all();
    return slot;
}

void ClickFeed::Run() {
    for (std::size_t i = 0; i < synth_.slots(); ++i) {
        Slot slot;
        synth_.Generate(i, slot.clicks, slot.leads);
        std::unique_lock lock(mu_);
        changed_.wait(lock, [&] { return stop_ || (ready_.size() < kFeedSlots && ready_clicks_ < kFeedClicks); });
        if (stop_) return;
        ready_clicks_ += slot.clicks.size();
        ready_.push_back(std::move(slot));
        lock.unlock();
        changed_.notify_all();
    }
}

}  // namespace rt::app::demo
