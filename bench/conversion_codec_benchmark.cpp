// The JSON codec of a conversion: decoding a POST /api/v1/conversions body (parse, then the field
// checks of ParseConversionInput) and encoding the answer (ConversionJson: the conversion and its commission
// written as JSON text), the two JSON steps of every ingest request.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/conversion.hpp"
#include "http/funnel_codec.hpp"

namespace rt::bench {
namespace {

constexpr std::string_view kRequestBody =
    R"({"program_id": "prg_01m86fyz80abs2csd61g9d528r", "external_id": "inv-1042", "amount": 12999,)"
    R"( "currency": "EUR", "occurred_at": "2026-12-01T15:58:12Z", "click_id": "clk_01m88yxtm06cq643dzvmxxqkfb",)"
    R"( "customer": {"external_id": "crm-4711"}})";

// The conversion of docs/api.md's example, attributed by its click, with its 10% commission.
struct Recorded {
    core::Conversion conversion;
    std::vector<core::Commission> commissions;
};

Recorded ExampleConversion() {
    const auto eur = core::Currency::FromTrusted("EUR");
    const auto program = core::ProgramId::FromTrusted("prg_01m86fyz80abs2csd61g9d528r");
    const auto partner = core::PartnerId::FromTrusted("prt_01m86g8470bpagxt416r4hcvvb");
    Recorded r;
    auto& c = r.conversion;
    c.id = core::ConversionId::FromTrusted("cnv_01m8s5b60096q14dr9gpqy77zx");
    c.program_id = program;
    c.external_id = "inv-1042";
    c.amount = {12999, eur};
    c.occurred_at = {1'796'140'692'000};
    c.referral_id = core::ReferralId::FromTrusted("ref_01m88zs9h0awsh8vhtpre95b9e");
    c.customer_id = core::CustomerId::FromTrusted("cus_01m88zs9h0p1xpa7z3dj8fssz5");
    c.click_id = "clk_01m88yxtm06cq643dzvmxxqkfb";
    c.attribution = {.source = core::AttributionSource::kClick,
                     .model = core::AttributionModel::kLastClick,
                     .credits = {{partner, core::kFullWeightPpm, c.click_id}}};
    c.created_at = {1'796'140'800'000};
    r.commissions.push_back({.id = core::CommissionId::FromTrusted("com_01m8s5b600yyk596ngya1dq91k"),
                             .program_id = program,
                             .conversion_id = c.id,
                             .partner_id = partner,
                             .amount = {1300, eur},
                             .created_at = c.created_at});
    return r;
}

void BM_DecodeConversionRequest(benchmark::State& state) {
    for (auto _ : state) {
        const auto body = nlohmann::json::parse(kRequestBody);
        auto input = http::ParseConversionInput(body);
        if (!input) state.SkipWithError("the example request does not parse");
        benchmark::DoNotOptimize(input);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kRequestBody.size()));
}
BENCHMARK(BM_DecodeConversionRequest);

void BM_EncodeConversionAnswer(benchmark::State& state) {
    const auto recorded = ExampleConversion();
    for (auto _ : state) benchmark::DoNotOptimize(http::ConversionJson(recorded.conversion, recorded.commissions));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EncodeConversionAnswer);

}  // namespace
}  // namespace rt::bench

BENCHMARK_MAIN();
