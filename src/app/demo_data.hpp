#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/deps.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"
#include "ports/vault.hpp"

namespace rt::app {

// What `reftrack demo` generates. The defaults make a small set that takes a few seconds.
struct DemoOptions {
    static constexpr int kMaxPartners = 1'000'000;
    static constexpr int kMaxDays = 3650;
    static constexpr std::int64_t kMaxClicks = 1'000'000'000;

    int partners = 200;            // 1..kMaxPartners
    int days = 90;                 // the simulated period ends at `end`; 1..kMaxDays
    std::int64_t clicks = 20'000;  // exactly this many clicks; 0..kMaxClicks
    std::uint64_t seed = 1;
    // The end of the simulated period; default: the start of the current UTC day (by deps.clock), so the
    // period is the last `days` whole days. Together with the seed it fixes every value generated but the
    // ids, which also depend on deps.clock's now, so that runs into one database never collide.
    std::optional<core::TimePoint> end;
};

// What was written, counted from the services' answers.
struct DemoSummary {
    core::ProgramId program_id;
    std::string program_name;
    std::string currency;
    std::int64_t partners = 0;
    std::int64_t pending_partners = 0;  // applied, not yet approved: no links, no traffic
    std::int64_t links = 0;
    std::int64_t coupons = 0;
    std::int64_t clicks = 0;
    std::int64_t bot_clicks = 0;
    std::int64_t unique_clicks = 0;  // never a bot's
    std::int64_t referrals = 0;
    std::int64_t coupon_referrals = 0;  // created from a coupon, without a click
    std::int64_t registered_deals = 0;  // registered by the partner itself, with a value
    std::int64_t stage_moves = 0;
    std::int64_t won = 0;
    std::int64_t lost = 0;
    std::int64_t conversions = 0;            // sales
    std::int64_t direct_conversions = 0;     // sales naming a click, without a referral
    std::int64_t recurring_conversions = 0;  // later sales to a customer already won
    std::int64_t revenue_minor = 0;          // sum of sales, before refunds
    std::int64_t refunds = 0;
    std::int64_t full_refunds = 0;
    std::int64_t refunded_minor = 0;
    std::vector<std::int64_t> clicks_by_partner;            // in partner creation order
    std::array<std::int64_t, 7> human_clicks_by_weekday{};  // UTC, 0 = Sunday

    bool operator==(const DemoSummary&) const = default;
};

struct DemoProgress {
    std::int64_t clicks_done = 0;
    std::int64_t clicks_total = 0;
    std::int64_t referrals = 0;
    std::int64_t conversions = 0;
};
// Called on the calling thread after each simulated hour (before its transaction commits); must be quick.
using DemoProgressFn = std::function<void(const DemoProgress&)>;

// On failure kInvalid naming each option out of range ("partners", "days", "clicks").
core::Result<void> CheckDemoOptions(const DemoOptions& options);

// Fills the store with one new program of realistic synthetic activity over `options.days` days before
// `options.end`, named "Demo program <end, UTC> (seed N)": partners with skewed performance (Zipf-like
// weights, traffic bursts, tiers), their links and a few coupons; clicks with weekly and daily seasonality,
// growth, bots, repeat visitors, UTM values, referrer hosts, devices and network prefixes from reserved
// ranges; referrals from a share of the clicks, from coupons and from deals partners register; their moves
// through the pipeline with log-normal times in stage; sales with log-normal sizes, recurring sales and
// refunds.
// Everything is written through the app layer (the services, and AfterClicksInserted for click batches),
// so the ledger and every derived table are kept as in production; timestamps are historical (the
// services run on a simulated clock that only moves forward). Several operations share one write
// transaction; a failure returns the error, and the transactions committed before it stay. Data is a
// function of (seed, end) and, for ids, of deps.clock's now: the same three give the same rows.
// `deps.random` is not used. kInvalid naming the field for options out of range. Blocking (clicks are
// made on a second thread while the calling thread writes); call from one thread.
core::Result<DemoSummary> GenerateDemoData(const Deps& deps, ports::Vault& vault, const DemoOptions& options,
                                           const DemoProgressFn& progress = {});

}  // namespace rt::app
