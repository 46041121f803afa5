// The ledger's hash chain: chaining one event (its canonical form and a SHA-256 through OpenSSL, as every
// write transaction does), verifying a chain (what `reftrack verify` does per event), and the Merkle root of a
// click batch (what every batch of the click writer adds to its "click.batch" event).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/merkle.hpp"
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

// A click batch's Merkle root as AppendClickBatchEvents makes it: each click's canonical form, then the root
// over them. Arg: the clicks in the batch (64: what 64 connections in flight commit at once); items are clicks.
void BM_ClickBatchMerkleRoot(benchmark::State& state) {
    ports::SeededRandom random(11);
    ports::Sha256Digest digest;
    const auto program = core::ProgramId::Generate({kStartMs}, random);
    std::vector<core::Click> clicks(static_cast<std::size_t>(state.range(0)));
    for (std::size_t i = 0; i < clicks.size(); ++i) {
        auto& c = clicks[i];
        c.at = {kStartMs + static_cast<std::int64_t>(i)};
        c.id = core::ClickId::Generate(c.at, random);
        c.program_id = program;
        c.partner_id = core::PartnerId::Generate(c.at, random);
        c.link_id = core::LinkId::Generate(c.at, random);
        c.visitor_id = core::VisitorId::Generate(c.at, random);
        c.device = core::DeviceClass::kDesktop;
        c.ip_prefix = "203.0.113.0/24";
        c.ip_hash = std::string(64, 'a');
    }
    for (auto _ : state) {
        std::vector<std::string> leaves;
        leaves.reserve(clicks.size());
        for (const auto& c : clicks) leaves.push_back(core::CanonicalForm(c));
        benchmark::DoNotOptimize(core::MerkleRoot(leaves, digest));
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ClickBatchMerkleRoot)->Arg(64);

}  // namespace
}  // namespace rt::bench

BENCHMARK_MAIN();
