#include "app/rollups.hpp"

#include <map>

namespace rt::app {

namespace {

// The program's newest event seq: every rollup write follows its transaction's event.
core::Result<std::int64_t> VersionOf(ports::StoreTx& tx, const core::ProgramId& program_id) {
    auto last = tx.LastEvent(program_id);
    if (!last) return core::Fail(last.error());
    return last->has_value() ? (*last)->seq : 0;
}

}  // namespace

core::Result<std::string> LinkOfClick(ports::StoreTx& tx, std::string_view click_id) {
    if (click_id.empty()) return std::string();
    auto id = core::ClickId::Parse(click_id);
    if (!id) return std::string();
    auto click = tx.GetClick(*id);
    if (!click) {
        if (click.error().code() == core::ErrorCode::kNotFound) return std::string();
        return core::Fail(click.error());
    }
    return click->link_id.str();
}

core::Result<core::ConversionFacts> FactsOf(ports::StoreTx& tx, const core::Conversion& c) {
    core::ConversionFacts facts;
    std::optional<core::Referral> referral;
    std::string referral_link;
    if (c.referral_id) {
        auto r = tx.GetReferral(*c.referral_id);
        if (!r) return core::Fail(r.error());
        referral = *r;
        auto link = LinkOfClick(tx, r->click_id);
        if (!link) return core::Fail(link.error());
        referral_link = *link;
    }
    for (const auto& credit : c.attribution.credits) {
        if (!credit.click_id.empty()) {
            auto link = LinkOfClick(tx, credit.click_id);
            if (!link) return core::Fail(link.error());
            facts.credit_links.push_back(*link);
        } else {
            facts.credit_links.push_back(referral && referral->partner_id == credit.partner_id ? referral_link : "");
        }
    }
    facts.source = core::ConversionSource(c, referral ? std::optional(referral->source) : std::nullopt);
    auto commissions = tx.ListCommissionsOfConversion(c.id);
    if (!commissions) return core::Fail(commissions.error());
    facts.commissions = std::move(*commissions);
    if (c.type == core::ConversionType::kSale && referral && c.journey_started_at) {
        facts.first_sale_of = referral;
        facts.first_sale_link = referral_link;
    }
    return facts;
}

core::Result<void> RollUpClicks(ports::StoreTx& tx, std::span<const core::Click> clicks,
                                const std::map<core::ProgramId, std::int64_t>& versions) {
    auto deltas = core::ContributionOfClicks(clicks);
    // Deltas come sorted by key, so by program first: one version and one call per program.
    std::size_t begin = 0;
    while (begin < deltas.size()) {
        std::size_t end = begin;
        while (end < deltas.size() && deltas[end].key.program_id == deltas[begin].key.program_id) ++end;
        const auto version = versions.find(deltas[begin].key.program_id);
        if (version == versions.end()) {
            return core::Fail(core::Error::Internal("a click batch's program has no event in its transaction"));
        }
        if (auto ok = tx.AddRollups(std::span(deltas).subspan(begin, end - begin), version->second); !ok)
            return core::Fail(ok.error());
        begin = end;
    }
    return {};
}

core::Result<void> RollUpNewReferral(ports::StoreTx& tx, const core::Referral& referral) {
    auto version = VersionOf(tx, referral.program_id);
    if (!version) return core::Fail(version.error());
    auto link = LinkOfClick(tx, referral.click_id);
    if (!link) return core::Fail(link.error());
    const core::RollupDelta delta = core::ContributionOfReferral(referral, *link);
    if (auto ok = tx.AddRollups(std::span(&delta, 1), *version); !ok) return core::Fail(ok.error());
    const auto funnel = core::FunnelOfReferral(referral, *link);
    return tx.AddFunnelRollups(funnel, *version);
}

core::Result<void> RollUpReferralChange(ports::StoreTx& tx, const core::Referral& before, const core::Referral& after) {
    if (before.history == after.history) return {};
    auto version = VersionOf(tx, after.program_id);
    if (!version) return core::Fail(version.error());
    auto link = LinkOfClick(tx, after.click_id);
    if (!link) return core::Fail(link.error());
    std::map<core::FunnelKey, core::FunnelMeasures> change;
    for (auto& d : core::FunnelOfReferral(after, *link)) change[d.key] += d.add;
    for (auto& d : core::FunnelOfReferral(before, *link)) change[d.key] -= d.add;
    std::vector<core::FunnelDelta> deltas;
    for (auto& [key, m] : change)
        if (!m.IsZero()) deltas.push_back({key, std::move(m)});
    if (deltas.empty()) return {};
    return tx.AddFunnelRollups(deltas, *version);
}

core::Result<void> RollUpConversion(ports::StoreTx& tx, const core::Conversion& conversion) {
    if (conversion.attribution.credits.empty()) return {};  // unattributed: no partner's cell
    auto version = VersionOf(tx, conversion.program_id);
    if (!version) return core::Fail(version.error());
    auto facts = FactsOf(tx, conversion);
    if (!facts) return core::Fail(facts.error());
    const auto deltas = core::ContributionOfConversion(conversion, *facts);
    return tx.AddRollups(deltas, *version);
}

}  // namespace rt::app
