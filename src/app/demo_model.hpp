#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/random.hpp"
#include "core/time.hpp"

// The statistical model behind `reftrack demo` (app/demo_data.hpp): who the partners are and how they
// perform, the calendar of traffic, the pipeline's transitions and the sizes of deals. No I/O; every
// draw comes from a seeded DemoRng, so a seed gives the same world.
namespace rt::app::demo {

inline constexpr std::int64_t kMinuteMs = 60'000;
inline constexpr std::int64_t kHourMs = 60 * kMinuteMs;
inline constexpr std::int64_t kDayMs = 24 * kHourMs;
inline constexpr std::string_view kCurrency = "EUR";  // of the demo program

// A seeded pseudo-random source with the distributions the model needs. Not thread-safe.
class DemoRng {
  public:
    explicit DemoRng(std::uint64_t seed) : engine_(seed) {}

    std::uint64_t Next() { return engine_(); }
    double Unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }  // [0, 1)
    bool Chance(double p) { return Unit() < p; }
    std::uint64_t Below(std::uint64_t n) { return n == 0 ? 0 : engine_() % n; }
    double Between(double lo, double hi) { return lo + (hi - lo) * Unit(); }
    double Normal();
    // exp(N(ln median, sigma²)): half the draws below `median`, a long tail above.
    double LogNormal(double median, double sigma);
    std::int64_t Poisson(double mean);
    // An index drawn with probability proportional to `weights` (not all zero).
    std::size_t Pick(std::span<const double> weights);
    template <class T>
    const T& OneOf(std::span<const T> items) {
        return items[Below(items.size())];
    }

  private:
    std::mt19937_64 engine_;
};

// The Random port on a seeded engine: ids and codes of the demo data, reproducible for a seed.
class SeededIdRandom final : public core::Random {
  public:
    explicit SeededIdRandom(std::uint64_t seed) : engine_(seed) {}
    void Fill(std::span<std::uint8_t> out) override;

  private:
    std::mutex mu_;
    std::mt19937_64 engine_;
};

// The channels a link can be shared on; the partner's kind decides the usual one.
enum class Channel { kBlog, kYoutube, kNewsletter, kSocial, kPodcast, kEmail, kReview };
std::string_view ChannelName(Channel c);

struct LinkPlan {
    std::string destination;
    std::string campaign;  // empty for a few links
    Channel channel = Channel::kBlog;
    double weight = 1;  // share of the partner's traffic
    std::string utm_source;
    std::string utm_medium;
    std::string utm_content;
    std::vector<std::string> referrer_hosts;  // drawn with referrer_weights; "" for none
    std::vector<double> referrer_weights;
};

// A burst of a partner's traffic (a video published, a newsletter sent): `boost` times its usual traffic on
// `day`, decaying by half every `half_life_days`.
struct Burst {
    int day = 0;
    double boost = 0;
    double half_life_days = 1;
};

struct PartnerPlan {
    std::string name;
    std::string email;
    std::string group;  // tier: "gold", "silver", "bronze", or "agency"
    bool pending = false;
    double weight = 0;            // share of the program's traffic (Zipf-like over a random ranking)
    double bot_share = 0.05;      // of its clicks
    double referral_rate = 0.08;  // referrals per unique human click
    double quality = 1;           // scales its referrals' chances to move on and to win, and their sizes
    double deals_per_day = 0;     // deals it registers itself (agencies)
    std::string coupon;           // empty when it has none
    std::vector<LinkPlan> links;
    std::vector<Burst> bursts;
};

// `count` partners for a period of `days` days; the first ones are not the stars (the ranking is shuffled).
std::vector<PartnerPlan> PlanPartners(DemoRng& rng, int count, int days);

// A person's name and a unique email for customer number `n` (reserved example domains only).
struct Person {
    std::string name;
    std::string email;
};
Person PersonFor(DemoRng& rng, std::uint64_t n);
// A company's name for a registered deal.
std::string CompanyName(DemoRng& rng);

// The program's pipeline: position → stage key. kWon and kLost are the final ones.
inline constexpr int kStageNew = 0;
inline constexpr int kStageQualified = 1;
inline constexpr int kStageDemo = 2;
inline constexpr int kStageProposal = 3;
inline constexpr int kStageWon = 4;
inline constexpr int kStageLost = 5;
std::string_view StageKey(int position);

// Where a referral in `position` goes next and after how long; nullopt when it stalls there.
struct Move {
    int to = kStageLost;
    std::int64_t after_ms = 0;
};
std::optional<Move> NextMove(DemoRng& rng, int position, bool registered_deal, double quality);

// Deal sizes in minor units, log-normal.
std::int64_t SelfServeSale(DemoRng& rng, double quality);  // bought without sales contact
std::int64_t ProposalValue(DemoRng& rng, bool registered_deal, double quality);
std::int64_t DirectSale(DemoRng& rng);  // a visitor buying right after a click
std::int64_t RecurringSale(DemoRng& rng, std::int64_t first_sale);

// The relative traffic at `at`: weekday, hour of day (UTC) and growth over the period [start, end).
double TrafficIntensity(core::TimePoint at, core::TimePoint start, core::TimePoint end);
// 0 = Sunday.
int Weekday(core::TimePoint at);

}  // namespace rt::app::demo
