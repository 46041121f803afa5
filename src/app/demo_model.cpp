#include "app/demo_model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <numeric>
#include <set>
#include <string_view>

namespace rt::app::demo {

namespace {

using namespace std::string_view_literals;

constexpr std::array kFirstNames = {
    "Ada"sv,    "Grace"sv, "Alan"sv,  "Linus"sv,  "Margaret"sv, "Ken"sv,    "Barbara"sv, "Dennis"sv, "Frances"sv,
    "Edsger"sv, "Radia"sv, "Tim"sv,   "Hedy"sv,   "John"sv,     "Sophie"sv, "Lena"sv,    "Marco"sv,  "Aisha"sv,
    "Kenji"sv,  "Priya"sv, "Omar"sv,  "Ingrid"sv, "Tomas"sv,    "Mei"sv,    "Lucas"sv,   "Zoe"sv,    "Noah"sv,
    "Elena"sv,  "Yusuf"sv, "Chloe"sv, "Mateo"sv,  "Hannah"sv,   "Ravi"sv,   "Nora"sv,    "Felix"sv,  "Amara"sv};
constexpr std::array kLastNames = {
    "Lovelace"sv, "Hopper"sv, "Turing"sv,    "Hamilton"sv, "Liskov"sv, "Ritchie"sv, "Allen"sv,  "Perlman"sv,
    "Lamarr"sv,   "Backus"sv, "Wilson"sv,    "Berg"sv,     "Rossi"sv,  "Khan"sv,    "Tanaka"sv, "Sharma"sv,
    "Haddad"sv,   "Larsen"sv, "Novak"sv,     "Chen"sv,     "Martin"sv, "Dubois"sv,  "Garcia"sv, "Schmidt"sv,
    "Kowalski"sv, "Okafor"sv, "Fernandes"sv, "Nakamura"sv, "Jensen"sv, "Moreau"sv,  "Silva"sv,  "Weber"sv};
constexpr std::array kNouns = {"Cloud"sv, "Stack"sv,  "Pixel"sv,  "Byte"sv,    "Growth"sv, "Founder"sv, "Startup"sv,
                               "Ops"sv,   "Data"sv,   "Code"sv,   "Product"sv, "SaaS"sv,   "Remote"sv,  "Indie"sv,
                               "Maker"sv, "Signal"sv, "Vector"sv, "Kernel"sv,  "Summit"sv, "Harbor"sv};
constexpr std::array kAdjectives = {"Daily"sv, "Modern"sv, "Lean"sv,   "Open"sv,   "Smart"sv, "Bold"sv,   "Quiet"sv,
                                    "Rapid"sv, "Clever"sv, "Honest"sv, "Little"sv, "Green"sv, "Bright"sv, "Northern"sv};
constexpr std::array kMediaSuffixes = {"Weekly"sv, "Digest"sv, "Insider"sv, "Review"sv, "Journal"sv, "Blog"sv, "Hub"sv};
constexpr std::array kCompanySuffixes = {"Agency"sv, "Partners"sv, "Consulting"sv, "Digital"sv,
                                         "GmbH"sv,   "Ltd"sv,      "Solutions"sv,  "Labs"sv};
constexpr std::array kDomains = {"example.com"sv, "example.org"sv, "example.net"sv};

constexpr std::array kCampaigns = {"spring-sale"sv,    "newsletter"sv,    "black-friday"sv, "webinar"sv,
                                   "product-launch"sv, "summer-promo"sv,  "free-trial"sv,   "onboarding-guide"sv,
                                   "comparison"sv,     "holiday-deals"sv, "case-study"sv,   "year-in-review"sv};
constexpr std::array kDestinations = {"https://shop.example.com/pricing"sv,
                                      "https://shop.example.com/"sv,
                                      "https://shop.example.com/signup?plan=team"sv,
                                      "https://shop.example.com/features"sv,
                                      "https://www.acme.example.com/blog/getting-started"sv,
                                      "https://www.acme.example.com/customers"sv};
constexpr std::array kSocialSources = {"twitter"sv, "linkedin"sv, "facebook"sv, "instagram"sv, "reddit"sv};

enum class Kind { kPerson, kMedia, kPodcast, kAgency, kReviewSite };

std::string Slug(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (!out.empty() && out.back() != '-') {
            out += '-';
        }
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out;
}

template <std::size_t N>
std::string Draw(DemoRng& rng, const std::array<std::string_view, N>& items) {
    return std::string(items[rng.Below(N)]);
}

Kind DrawKind(DemoRng& rng) {
    constexpr std::array<double, 5> kWeights{0.40, 0.28, 0.10, 0.12, 0.10};
    return static_cast<Kind>(rng.Pick(kWeights));
}

std::string NameFor(DemoRng& rng, Kind kind) {
    switch (kind) {
        case Kind::kPerson:
            return Draw(rng, kFirstNames) + " " + Draw(rng, kLastNames);
        case Kind::kMedia:
            return Draw(rng, kAdjectives) + " " + Draw(rng, kNouns) + " " + Draw(rng, kMediaSuffixes);
        case Kind::kPodcast:
            return rng.Chance(0.5) ? "The " + Draw(rng, kNouns) + " Podcast"
                                   : Draw(rng, kFirstNames) + "'s " + Draw(rng, kNouns) + " Show";
        case Kind::kAgency:
            return Draw(rng, kNouns) + " " + Draw(rng, kCompanySuffixes);
        case Kind::kReviewSite:
            return Draw(rng, kNouns) + " Compare";
    }
    return "Partner";
}

Channel MainChannel(DemoRng& rng, Kind kind) {
    switch (kind) {
        case Kind::kPerson: {
            constexpr std::array<double, 3> kWeights{0.55, 0.25, 0.20};
            constexpr std::array kChannels{Channel::kSocial, Channel::kYoutube, Channel::kBlog};
            return kChannels[rng.Pick(kWeights)];
        }
        case Kind::kMedia:
            return rng.Chance(0.55) ? Channel::kBlog : Channel::kNewsletter;
        case Kind::kPodcast:
            return Channel::kPodcast;
        case Kind::kAgency:
            return rng.Chance(0.6) ? Channel::kEmail : Channel::kBlog;
        case Kind::kReviewSite:
            return Channel::kReview;
    }
    return Channel::kBlog;
}

// How well a channel's visitors sign up, relative to the partner's own rate.
double ChannelReferralFactor(Channel c) {
    constexpr std::array<double, 7> kFactors{1.0, 0.8, 1.2, 0.6, 0.9, 1.3, 1.4};
    return kFactors[static_cast<int>(c)];
}

// Bursts per 30 days: videos and newsletters come in waves, review sites are steady.
double Burstiness(Channel c) {
    constexpr std::array<double, 7> kRates{0.5, 1.0, 1.2, 1.5, 1.0, 0.8, 0.3};
    return kRates[static_cast<int>(c)];
}

void SetReferrers(LinkPlan& link, const std::string& own_host) {
    auto set = [&](std::vector<std::pair<std::string, double>> table) {
        for (auto& [host, weight] : table) {
            link.referrer_hosts.push_back(std::move(host));
            link.referrer_weights.push_back(weight);
        }
    };
    switch (link.channel) {
        case Channel::kBlog:
            return set({{own_host, 0.75}, {"www.google.com", 0.12}, {"", 0.13}});
        case Channel::kYoutube:
            return set({{"www.youtube.com", 0.7}, {"m.youtube.com", 0.15}, {"", 0.15}});
        case Channel::kNewsletter:
            return set({{"", 0.55}, {"mail.google.com", 0.2}, {"outlook.live.com", 0.1}, {own_host, 0.15}});
        case Channel::kSocial:
            return set({{"t.co", 0.25},
                        {"www.linkedin.com", 0.25},
                        {"www.facebook.com", 0.15},
                        {"www.reddit.com", 0.15},
                        {"l.instagram.com", 0.1},
                        {"", 0.1}});
        case Channel::kPodcast:
            return set({{"", 0.5}, {"podcasts.apple.com", 0.2}, {"open.spotify.com", 0.2}, {own_host, 0.1}});
        case Channel::kEmail:
            return set({{"", 0.7}, {"mail.google.com", 0.2}, {"outlook.office.com", 0.1}});
        case Channel::kReview:
            return set({{own_host, 0.7}, {"www.google.com", 0.2}, {"", 0.1}});
    }
}

void SetUtm(DemoRng& rng, LinkPlan& link, const std::string& slug) {
    constexpr std::array kMedium = {"affiliate"sv, "video"sv, "newsletter"sv, "social"sv,
                                    "podcast"sv,   "email"sv, "referral"sv};
    constexpr std::array kContent = {"banner"sv,      "cta-top"sv,        "cta-bottom"sv, "sidebar"sv,
                                     "description"sv, "pinned-comment"sv, "show-notes"sv};
    link.utm_medium = std::string(kMedium[static_cast<int>(link.channel)]);
    switch (link.channel) {
        case Channel::kYoutube:
            link.utm_source = "youtube";
            break;
        case Channel::kSocial:
            link.utm_source = Draw(rng, kSocialSources);
            break;
        case Channel::kEmail:
            link.utm_source = "email";
            break;
        default:
            link.utm_source = slug.substr(0, 40);
    }
    if (rng.Chance(0.5)) link.utm_content = Draw(rng, kContent);
}

std::vector<LinkPlan> PlanLinks(DemoRng& rng, Channel main, const std::string& slug) {
    constexpr std::array<double, 3> kCounts{0.5, 0.3, 0.2};
    constexpr std::array<double, 3> kShares{0.65, 0.25, 0.10};
    const std::size_t count = rng.Pick(kCounts) + 1;
    const std::string own_host = slug.substr(0, 50) + ".example";
    std::vector<LinkPlan> links(count);
    for (std::size_t i = 0; i < count; ++i) {
        auto& link = links[i];
        link.destination = Draw(rng, kDestinations);
        link.campaign = rng.Chance(0.1) ? "" : Draw(rng, kCampaigns);
        link.channel = i == 0 || rng.Chance(0.6) ? main : static_cast<Channel>(rng.Below(7));
        link.weight = kShares[i];
        SetUtm(rng, link, slug);
        SetReferrers(link, own_host);
    }
    return links;
}

std::vector<Burst> PlanBursts(DemoRng& rng, Channel main, int days) {
    std::vector<Burst> bursts(static_cast<std::size_t>(rng.Poisson(days / 30.0 * Burstiness(main))));
    for (auto& b : bursts) {
        b.day = static_cast<int>(rng.Below(static_cast<std::uint64_t>(days)));
        b.boost = rng.LogNormal(3, 0.6);
        b.half_life_days = rng.Between(0.5, 3);
    }
    return bursts;
}

std::string CouponFor(DemoRng& rng, const std::string& name, std::set<std::string>& taken) {
    std::string word;
    for (char c : name) {
        if (std::isalpha(static_cast<unsigned char>(c)) == 0) break;
        if (word.size() < 10) word += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (word.size() < 3) word = "SAVE";
    constexpr std::array kPercents = {"10"sv, "15"sv, "20"sv, "25"sv};
    std::string code = word + Draw(rng, kPercents);
    for (int i = 2; !taken.insert(code).second; ++i) code = word + Draw(rng, kPercents) + "-" + std::to_string(i);
    return code;
}

// Tiers by traffic: the top 2% gold, the next 8% silver, the rest bronze; agencies have their own terms.
void AssignGroups(std::vector<PartnerPlan>& plans, const std::vector<Kind>& kinds) {
    std::vector<std::size_t> order(plans.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return plans[a].weight > plans[b].weight; });
    const auto n = static_cast<double>(plans.size());
    for (std::size_t rank = 0; rank < order.size(); ++rank) {
        auto& p = plans[order[rank]];
        if (kinds[order[rank]] == Kind::kAgency) {
            p.group = "agency";
        } else {
            p.group = static_cast<double>(rank) < std::ceil(n * 0.02)   ? "gold"
                      : static_cast<double>(rank) < std::ceil(n * 0.10) ? "silver"
                                                                        : "bronze";
        }
    }
}

}  // namespace

double DemoRng::Normal() {
    // Box-Muller; the second value is dropped so each draw uses a fixed number of engine outputs.
    const double u1 = 1.0 - Unit();
    const double u2 = Unit();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double DemoRng::LogNormal(double median, double sigma) { return median * std::exp(sigma * Normal()); }

std::int64_t DemoRng::Poisson(double mean) {
    if (mean <= 0) return 0;
    if (mean > 30) return std::max<std::int64_t>(0, std::llround(mean + std::sqrt(mean) * Normal()));
    const double limit = std::exp(-mean);
    std::int64_t k = 0;
    for (double p = Unit(); p > limit; p *= Unit()) ++k;
    return k;
}

std::size_t DemoRng::Pick(std::span<const double> weights) {
    const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
    double x = Unit() * total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        if (x < weights[i]) return i;
        x -= weights[i];
    }
    return weights.size() - 1;
}

void SeededIdRandom::Fill(std::span<std::uint8_t> out) {
    std::lock_guard lock(mu_);
    for (std::size_t i = 0; i < out.size(); i += 8) {
        std::uint64_t v = engine_();
        for (std::size_t j = i; j < std::min(out.size(), i + 8); ++j, v >>= 8) out[j] = static_cast<std::uint8_t>(v);
    }
}

std::string_view ChannelName(Channel c) {
    constexpr std::array kNames = {"blog"sv,    "youtube"sv, "newsletter"sv, "social"sv,
                                   "podcast"sv, "email"sv,   "review"sv};
    return kNames[static_cast<int>(c)];
}

std::vector<PartnerPlan> PlanPartners(DemoRng& rng, int count, int days) {
    std::vector<PartnerPlan> plans(static_cast<std::size_t>(count));
    std::vector<Kind> kinds(plans.size());
    std::vector<double> ranks(plans.size());
    std::iota(ranks.begin(), ranks.end(), 1.0);
    for (std::size_t i = ranks.size(); i > 1; --i) std::swap(ranks[i - 1], ranks[rng.Below(i)]);
    std::set<std::string> coupons;
    for (std::size_t i = 0; i < plans.size(); ++i) {
        auto& p = plans[i];
        kinds[i] = DrawKind(rng);
        p.name = NameFor(rng, kinds[i]);
        const std::string slug = Slug(p.name);
        p.email = slug.substr(0, 60) + "." + std::to_string(i + 1) + "@" + Draw(rng, kDomains);
        p.pending = plans.size() > 10 && rng.Chance(0.03);
        const Channel main = MainChannel(rng, kinds[i]);
        p.weight = p.pending ? 0 : 1.0 / std::pow(ranks[i], 1.1);
        p.bot_share = rng.Between(0.02, 0.08) + (main == Channel::kSocial ? 0.03 : 0.0);
        p.referral_rate = std::clamp(rng.LogNormal(0.085, 0.35) * ChannelReferralFactor(main), 0.03, 0.2);
        p.quality = rng.LogNormal(1, 0.25);
        p.deals_per_day =
            kinds[i] == Kind::kAgency && !p.pending ? rng.LogNormal(1, 0.6) : 0;  // relative; scaled by the caller
        const bool coupon = main == Channel::kPodcast   ? rng.Chance(0.6)
                            : main == Channel::kYoutube ? rng.Chance(0.3)
                                                        : rng.Chance(0.04);
        if (coupon && !p.pending) p.coupon = CouponFor(rng, p.name, coupons);
        if (!p.pending) p.links = PlanLinks(rng, main, slug);
        p.bursts = PlanBursts(rng, main, days);
    }
    AssignGroups(plans, kinds);
    return plans;
}

Person PersonFor(DemoRng& rng, std::uint64_t n) {
    const std::string first = Draw(rng, kFirstNames);
    const std::string last = Draw(rng, kLastNames);
    return {first + " " + last, Slug(first) + "." + Slug(last) + "." + std::to_string(n) + "@" + Draw(rng, kDomains)};
}

std::string CompanyName(DemoRng& rng) {
    return Draw(rng, kAdjectives) + " " + Draw(rng, kNouns) + " " + Draw(rng, kCompanySuffixes);
}

std::string_view StageKey(int position) {
    constexpr std::array kKeys = {"new"sv, "qualified"sv, "demo"sv, "proposal"sv, "won"sv, "lost"sv};
    return kKeys[static_cast<std::size_t>(position)];
}

std::optional<Move> NextMove(DemoRng& rng, int position, bool registered_deal, double quality) {
    struct Exit {
        int to;
        double chance;  // scaled by quality for moves forward
        double median_days;
        double sigma;
    };
    struct Row {
        Exit forward;
        Exit shortcut;  // self-serve: buys without talking to sales
        Exit lost;
    };
    // Per stage, for referrals and for registered deals (qualified leads that close more often, slower). What
    // is left to 1 stalls: 40% of new referrals are never followed up, as in most CRMs.
    static constexpr Row kReferral[] = {
        {{kStageQualified, 0.30, 1.0, 1.0}, {kStageWon, 0.08, 9, 0.6}, {kStageLost, 0.22, 12, 0.7}},
        {{kStageDemo, 0.55, 3, 0.9}, {kStageWon, 0, 0, 0}, {kStageLost, 0.30, 5, 0.9}},
        {{kStageProposal, 0.65, 4, 0.8}, {kStageWon, 0, 0, 0}, {kStageLost, 0.25, 6, 0.8}},
        {{kStageWon, 0.55, 8, 0.9}, {kStageWon, 0, 0, 0}, {kStageLost, 0.35, 10, 0.9}},
    };
    static constexpr Row kDeal[] = {
        {{kStageQualified, 0.85, 0.25, 0.8}, {kStageWon, 0, 0, 0}, {kStageLost, 0.10, 2, 0.8}},
        {{kStageDemo, 0.70, 4, 0.8}, {kStageWon, 0, 0, 0}, {kStageLost, 0.20, 8, 0.8}},
        {{kStageProposal, 0.75, 6, 0.8}, {kStageWon, 0, 0, 0}, {kStageLost, 0.20, 10, 0.8}},
        {{kStageWon, 0.65, 14, 0.9}, {kStageWon, 0, 0, 0}, {kStageLost, 0.30, 20, 0.9}},
    };
    if (position < kStageNew || position > kStageProposal) return std::nullopt;
    const Row& row = (registered_deal ? kDeal : kReferral)[position];
    const double forward = std::min(0.9, row.forward.chance * quality);
    const double shortcut = std::min(0.3, row.shortcut.chance * quality);
    const double lost = std::min(row.lost.chance, 1.0 - forward - shortcut);
    const std::array<double, 4> weights{forward, shortcut, lost, std::max(0.0, 1.0 - forward - shortcut - lost)};
    const std::size_t pick = rng.Pick(weights);
    if (pick == 3) return std::nullopt;  // stalls: nobody follows the lead up
    const Exit& exit = pick == 0 ? row.forward : pick == 1 ? row.shortcut : row.lost;
    const double days = rng.LogNormal(exit.median_days, exit.sigma);
    return Move{exit.to, std::max<std::int64_t>(kMinuteMs, std::llround(days * static_cast<double>(kDayMs)))};
}

namespace {

// Whole units of the currency: prices and deal values are rarely odd cents.
std::int64_t Units(double minor) { return std::max<std::int64_t>(100, std::llround(minor / 100.0) * 100); }

}  // namespace

std::int64_t SelfServeSale(DemoRng& rng, double quality) {
    return Units(rng.LogNormal(29'000 * std::sqrt(quality), 0.6));
}

std::int64_t ProposalValue(DemoRng& rng, bool registered_deal, double quality) {
    return Units(rng.LogNormal((registered_deal ? 600'000 : 240'000) * quality, registered_deal ? 0.8 : 0.9));
}

std::int64_t DirectSale(DemoRng& rng) { return Units(rng.LogNormal(7'900, 0.7)); }

std::int64_t RecurringSale(DemoRng& rng, std::int64_t first_sale) {
    return Units(static_cast<double>(first_sale) * rng.Between(0.3, 1.2));
}

int Weekday(core::TimePoint at) {
    const std::int64_t day = at.unix_ms >= 0 ? at.unix_ms / kDayMs : (at.unix_ms - kDayMs + 1) / kDayMs;
    return static_cast<int>(((day + 4) % 7 + 7) % 7);  // 1970-01-01 was a Thursday
}

double TrafficIntensity(core::TimePoint at, core::TimePoint start, core::TimePoint end) {
    // Weekdays busier than weekends; a working-day curve in UTC with a smaller evening peak.
    constexpr std::array<double, 7> kWeekday{0.62, 1.08, 1.15, 1.15, 1.10, 0.95, 0.58};
    constexpr std::array<double, 24> kHour{0.25, 0.18, 0.14, 0.12, 0.14, 0.22, 0.40, 0.65, 0.90, 1.10, 1.25, 1.30,
                                           1.25, 1.30, 1.35, 1.30, 1.20, 1.10, 1.05, 1.10, 1.15, 1.00, 0.70, 0.42};
    const std::int64_t ms_of_day = ((at.unix_ms % kDayMs) + kDayMs) % kDayMs;
    const double hour = kHour[static_cast<std::size_t>(ms_of_day / kHourMs)];
    const double span = static_cast<double>(std::max<std::int64_t>(1, end.unix_ms - start.unix_ms));
    const double growth = 0.75 + 0.5 * static_cast<double>(at.unix_ms - start.unix_ms) / span;  // +67% over the period
    return kWeekday[static_cast<std::size_t>(Weekday(at))] * hour * growth;
}

}  // namespace rt::app::demo
