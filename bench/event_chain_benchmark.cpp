// The ledger's hash chain: chaining one event (its canonical form and a SHA-256 through libsodium, as
// every write transaction does) and verifying a chain (what `reftrack verify` does per event).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "ports/fakes.hpp"
#include "ports/system.hpp"

namespace rt::bench {
namespace {

constexpr std::int64_t kStartMs = 1'795'514'400'000;

// A "conversion.recorded" event as ConversionService appends it.
core::Event ConversionEvent(core::Random& random, const core::ProgramId& program, std::int64_t i) {
    core::Event e;
    e.id = core::EventId::Generate({kStartMs + i}, random);
    e.program_id = program;
    e.type = "conversion.recorded";
    e.subject_id = core::ConversionId::Generate({kStartMs + i}, random).str();
    e.at = {kStartMs + i};
    e.payload = {{"amount", "12999"}, {"credits", "prt_01m86g8470bpagxt416r4hcvvb:1000000"},
                 {"currency", "EUR"}, {"external_id", "order-" + std::to_string(10000 + i)},
                 {"refund_of", ""},   {"source", "click"},
                 {"type", "sale"}};
    return e;
}

bool SodiumReady(benchmark::State& state) {
    if (ports::InitSodium()) return true;
    state.SkipWithError("libsodium could not be initialised");
    return false;
}

void BM_CanonicalForm(benchmark::State& state) {
    ports::SeededRandom random(11);
    const auto program = core::ProgramId::Generate({kStartMs}, random);
    const auto event = ConversionEvent(random, program, 0);
    for (auto _ : state) benchmark::DoNotOptimize(core::CanonicalForm(event));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CanonicalForm);

void BM_Sha256Digest(benchmark::State& state) {
    if (!SodiumReady(state)) return;
    ports::Sha256Digest digest;
    const std::string data(static_cast<std::size_t>(state.range(0)), 'x');
    for (auto _ : state) benchmark::DoNotOptimize(digest.Sha256(data));
    state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Sha256Digest)->Arg(64)->Arg(512);

// One Chain call: the work the ledger adds to each write transaction.
void BM_Chain(benchmark::State& state) {
    if (!SodiumReady(state)) return;
    ports::SeededRandom random(11);
    ports::Sha256Digest digest;
    const auto program = core::ProgramId::Generate({kStartMs}, random);
    core::Event previous = ConversionEvent(random, program, 0);
    core::Chain(previous, nullptr, digest);
    core::Event next = ConversionEvent(random, program, 1);
    for (auto _ : state) {
        core::Chain(next, &previous, digest);
        benchmark::DoNotOptimize(next.hash);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Chain);

// Verifying a chain of 1,000 events; items are events.
void BM_VerifyChain(benchmark::State& state) {
    if (!SodiumReady(state)) return;
    ports::SeededRandom random(11);
    ports::Sha256Digest digest;
    const auto program = core::ProgramId::Generate({kStartMs}, random);
    std::vector<core::Event> chain;
    for (std::int64_t i = 0; i < state.range(0); ++i) {
        chain.push_back(ConversionEvent(random, program, i));
        core::Chain(chain.back(), i == 0 ? nullptr : &chain[chain.size() - 2], digest);
    }
    for (auto _ : state) {
        const auto broken = core::VerifyChain(chain, digest);
        if (broken) state.SkipWithError("the chain does not verify");
        benchmark::DoNotOptimize(broken);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_VerifyChain)->Arg(1000);

}  // namespace
}  // namespace rt::bench

BENCHMARK_MAIN();
