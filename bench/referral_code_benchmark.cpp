// Referral codes: drawing a fresh code (what POST /api/v1/links does when no vanity code is given) and
// normalizing a code (what every GET /r/{code} does before the lookup).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "core/referral_code.hpp"
#include "ports/fakes.hpp"
#include "ports/system.hpp"

namespace rt::bench {
namespace {

// The production path: libsodium's CSPRNG, one Uniform draw per character.
void BM_GenerateCodeSodium(benchmark::State& state) {
    if (!ports::InitSodium()) {
        state.SkipWithError("libsodium could not be initialised");
        return;
    }
    ports::SodiumRandom random;
    for (auto _ : state) benchmark::DoNotOptimize(core::GenerateCode(random));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GenerateCodeSodium);

// The same with the seeded test generator, to separate the code's own cost from the CSPRNG's.
void BM_GenerateCodeSeeded(benchmark::State& state) {
    ports::SeededRandom random(7);
    for (auto _ : state) benchmark::DoNotOptimize(core::GenerateCode(random));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GenerateCodeSeeded);

void BM_NormalizeCode(benchmark::State& state) {
    const std::string code = "Ada-Spring-2027";
    for (auto _ : state) benchmark::DoNotOptimize(core::NormalizeCode(code));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NormalizeCode);

}  // namespace
}  // namespace rt::bench

BENCHMARK_MAIN();
