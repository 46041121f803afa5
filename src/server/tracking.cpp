#include "server/tracking.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

#include "app/click_batch.hpp"
#include "app/rollups.hpp"

namespace rt::server {

namespace {

constexpr std::string_view kQueueGauge = "reftrack_click_queue_depth";
constexpr std::string_view kQueueGaugeHelp = "Clicks waiting for the group-commit writer.";

// How often the click writer rolls pending click deltas up (each step's size is PendingRollup's default):
// measured in docs/benchmarks.md ("Click rollups out of the redirect's transaction", "The roll-up chore every
// 3 s"). An epoch's cost follows the cells it touches, and at 10,000 links one second of clicks already
// touches most of them, so a longer interval sums more clicks into each cell write; reports stay exact either
// way (they roll up what is pending first). A turn of the chore takes steps until one ends past its budget,
// so that quick steps (reads) do not each wait for a batch: with many programs clicked at once, one step per
// batch would fall behind.
constexpr std::chrono::milliseconds kRollUpEvery{3000};
constexpr std::chrono::microseconds kRollUpBudget{1000};

constexpr std::string_view kLingeredCounter = "reftrack_click_batches_lingered_total";
constexpr std::string_view kLingeredCounterHelp =
    "Committed click batches that waited up to the linger to be as large as the batch before.";

// Counts each batch in the writer's metrics and logs failed ones (never their clicks' contents).
app::ClickWriter::BatchObserver MetricsObserver(http::Metrics& metrics) {
    return [&metrics](const app::ClickBatchReport& r) {
        if (!r.committed) {
            metrics.AddToCounter("reftrack_click_batch_failures_total", "Click batches whose transaction failed.");
            spdlog::error("event=click_batch_failed clicks={}", r.clicks);
            return;
        }
        metrics.AddToCounter("reftrack_click_batches_total", "Click batches committed (one transaction each).");
        if (r.lingered) metrics.AddToCounter(kLingeredCounter, kLingeredCounterHelp);
        metrics.AddToCounter("reftrack_clicks_written_total", "Clicks committed to the database.", r.clicks);
        const auto ms = std::chrono::duration<double, std::milli>(r.took).count();
        if (ms > 1000) spdlog::warn("event=click_batch_slow clicks={} ms={:.1f}", r.clicks, ms);
    };
}

// Rolls the click batches' pending report deltas up (app/rollups.hpp), a slice of cells per run so that the
// clicks waiting meanwhile wait little; a failure is logged and counted, and the next run (or the next report)
// retries.
app::ClickWriter::Chore RollUpChore(app::Deps deps, http::Metrics& metrics) {
    auto rollup = std::make_shared<app::PendingRollup>(deps);
    return [rollup, &metrics] {
        const auto until = std::chrono::steady_clock::now() + kRollUpBudget;
        for (;;) {
            auto more = rollup->Step();
            if (!more) {
                metrics.AddToCounter("reftrack_rollup_failures_total",
                                     "Roll-up steps of pending click deltas that failed.");
                spdlog::error("event=rollup_failed error={}", more.error().message());
                return false;
            }
            if (!*more || std::chrono::steady_clock::now() >= until) return *more;
        }
    };
}

}  // namespace

Tracking::Tracking(Services& services, http::Metrics& metrics, const Config& config)
    : services_(services),
      metrics_(metrics),
      writer_(
          services.store(), app::ClickWriterOptions{.chore_every = kRollUpEvery},
          [deps = services.deps()](ports::StoreTx& tx, std::span<const core::Click> clicks) {
              return app::AfterClicksInserted(deps, tx, clicks, app::RollupWrites::kPending);
          },
          MetricsObserver(metrics), RollUpChore(services.deps(), metrics)),
      redirect_(services.deps(), services.vault(), directory_, writer_),
      routes_{redirect_, services.auth(), config.public_url.starts_with("https://")} {
    services.links().SetChangeListener([this](const core::Link& link) { directory_.OnLinkChanged(link); });
    services.programs().SetChangeListener([this](const core::Program& p) { directory_.OnProgramChanged(p); });
    // Sales leave their report cells pending too; the click writer's chore adds them (app/rollups.hpp).
    services.conversions().SetRollupWrites(app::RollupWrites::kPending, [this] { writer_.OweChore(); });
    metrics.SetGaugeFunction(kQueueGauge, kQueueGaugeHelp,
                             [this] { return static_cast<double>(writer_.queue_depth()); });
    metrics.AddToCounter(kLingeredCounter, kLingeredCounterHelp, 0);  // shown at 0 before the first linger
    writer_.Start();
}

Tracking::~Tracking() {
    Stop();
    services_.links().SetChangeListener({});
    services_.programs().SetChangeListener({});
    services_.conversions().SetRollupWrites(app::RollupWrites::kNow);  // nothing left to owe the chore to
    metrics_.SetGaugeFunction(kQueueGauge, kQueueGaugeHelp, [] { return 0.0; });
}

void Tracking::AddRoutes(http::Router& router) { http::AddTrackingRoutes(router, routes_); }

core::Result<void> Tracking::Load() {
    auto loaded = directory_.Load(services_.store());
    if (!loaded) return loaded;
    spdlog::info("event=link_directory_loaded links={}", directory_.link_count());
    if (services_.store().SharedByNodes() && !follower_.joinable()) {
        follower_ = std::jthread([this](std::stop_token stop) {
            services_.store().FollowChanges(
                stop, [this](const ports::StoreChange& change) { return directory_.Apply(services_.store(), change); });
        });
    }
    return loaded;
}

void Tracking::Stop() {
    if (follower_.joinable()) {
        follower_.request_stop();
        follower_.join();
    }
    writer_.Stop();
}

}  // namespace rt::server
