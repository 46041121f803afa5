// Attribution (core::Attribute): deciding the credits of a conversion from the named click's visitor
// history, for each model, over visitors with 1, 10 and 100 clicks spread over 5 partners.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "core/attribution.hpp"

namespace rt::bench {
namespace {

constexpr std::int64_t kHourMs = 60LL * 60 * 1000;
constexpr core::TimePoint kConversionAt{1'795'514'400'000};  // 2026-11-24T10:00:00.000Z
constexpr int kPartners = 5;

// `clicks` touches, one every 7 hours going back from the conversion (so 100 clicks span ~29 days,
// inside the default 90-day window), partners in rotation, in the order a store might return them.
core::AttributionEvidence VisitorHistory(int clicks) {
    core::AttributionEvidence evidence{.click_named = true};
    for (int i = 0; i < clicks; ++i) {
        evidence.clicks.push_back(
            {core::PartnerId::FromTrusted("prt_01m86g8470bpagxt416r4hcvv" + std::to_string(i % kPartners)),
             "clk_01m88yxtm06cq643dzvmxx" + std::to_string(1000 + i),
             {kConversionAt.unix_ms - (i + 1) * 7 * kHourMs}});
    }
    return evidence;
}

// Registered once per model (see main): BM_Attribute/<model>/<clicks>.
void BM_Attribute(benchmark::State& state, core::AttributionModel model) {
    const core::AttributionSettings settings{.model = model, .window_days = 90};
    const auto evidence = VisitorHistory(static_cast<int>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(core::Attribute(settings, kConversionAt, evidence));
    state.SetItemsProcessed(state.iterations());
}

// The precedence short-cut: a named referral wins before any click is looked at.
void BM_AttributeReferral(benchmark::State& state) {
    const core::AttributionSettings settings;
    auto evidence = VisitorHistory(10);
    evidence.referral_partner = core::PartnerId::FromTrusted("prt_01m86g8470bpagxt416r4hcvvb");
    for (auto _ : state) benchmark::DoNotOptimize(core::Attribute(settings, kConversionAt, evidence));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AttributeReferral);

}  // namespace
}  // namespace rt::bench

int main(int argc, char** argv) {
    using rt::core::AttributionModel;
    for (const auto model : {AttributionModel::kFirstClick, AttributionModel::kLastClick, AttributionModel::kLinear,
                             AttributionModel::kPositionBased, AttributionModel::kTimeDecay}) {
        const std::string name = "BM_Attribute/" + std::string(rt::core::ToString(model));
        benchmark::RegisterBenchmark(name.c_str(), rt::bench::BM_Attribute, model)->Arg(1)->Arg(10)->Arg(100);
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
