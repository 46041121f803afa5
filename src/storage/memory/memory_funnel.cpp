// The memory store's referrals, conversions and commissions: MemoryTx's methods for them, with the SQLite
// store's rules.
#include <algorithm>

#include "storage/memory/memory_query.hpp"
#include "storage/memory/memory_tx.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage {

namespace {

using Tables = MemoryStore::Tables;

bool IsPartnerOf(const Tables& t, const core::PartnerId& partner_id, const core::ProgramId& program_id) {
    auto it = t.partners.find(partner_id);
    return it != t.partners.end() && it->second.program_id == program_id;
}

bool Credits(const core::Conversion& conversion, const core::PartnerId& partner_id) {
    const auto& credits = conversion.attribution.credits;
    return std::any_of(credits.begin(), credits.end(),
                       [&](const core::Credit& c) { return c.partner_id == partner_id; });
}

// Rows of `table` that `keep` accepts, in id order (oldest first).
template <class Key, class T, class Keep>
std::vector<T> AllOldestFirst(const std::map<Key, T>& table, Keep keep) {
    std::vector<T> out;
    for (const auto& [id, row] : table) {
        if (keep(row)) out.push_back(row);
    }
    return out;
}

}  // namespace

Result<void> MemoryTx::InsertReferral(const core::Referral& referral) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    auto& t = **tables;
    if (t.referrals.contains(referral.id)) return core::Fail(Conflict(kReferralIdTaken));
    auto customer = t.customers.find(referral.customer_id);
    if (!IsPartnerOf(t, referral.partner_id, referral.program_id) || customer == t.customers.end() ||
        customer->second.program_id != referral.program_id) {
        return core::Fail(NotFound(kReferralOwnersMissing));
    }
    t.referrals.emplace(referral.id, referral);
    return {};
}

Result<void> MemoryTx::UpdateReferral(const core::Referral& referral) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    auto it = (*tables)->referrals.find(referral.id);
    if (it == (*tables)->referrals.end()) return core::Fail(NotFound(kReferralNotFound));
    core::Referral& stored = it->second;
    stored.stage = referral.stage;
    stored.history = referral.history;
    stored.value = referral.value;
    stored.converted_at = referral.converted_at;
    stored.updated_at = referral.updated_at;
    return {};
}

Result<core::Referral> MemoryTx::GetReferral(const core::ReferralId& id) {
    return Find(read_.referrals, id, kReferralNotFound);
}

Result<core::Page<core::Referral>> MemoryTx::ListReferrals(const ports::FunnelFilter& filter,
                                                           const core::PageRequest& page) {
    return ListNewestFirst(read_.referrals, page, [&](const core::Referral& r) {
        return (!filter.program_id || r.program_id == *filter.program_id) &&
               (!filter.partner_id || r.partner_id == *filter.partner_id);
    });
}

Result<std::optional<core::Referral>> MemoryTx::FindReferralOfCustomer(const core::ProgramId& program_id,
                                                                       const core::CustomerId& customer_id,
                                                                       core::TimePoint since) {
    const core::Referral* newest = nullptr;
    for (const auto& [id, r] : read_.referrals) {
        if (r.program_id != program_id || r.customer_id != customer_id || r.created_at < since) continue;
        // Ties on created_at go to the larger id, which the id order of the loop gives.
        if (newest == nullptr || r.created_at >= newest->created_at) newest = &r;
    }
    if (newest == nullptr) return std::optional<core::Referral>();
    return std::optional<core::Referral>(*newest);
}

Result<void> MemoryTx::InsertConversion(const core::Conversion& conversion) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    auto& t = **tables;
    if (t.conversions.contains(conversion.id)) return core::Fail(Conflict(kConversionIdTaken));
    const Tables::ProgramKey external{conversion.program_id.str(), conversion.external_id};
    if (t.conversion_external_ids.contains(external)) return core::Fail(Conflict(kConversionExternalIdTaken));
    if (!t.programs.contains(conversion.program_id)) return core::Fail(NotFound(kConversionProgramMissing));
    for (const auto& credit : conversion.attribution.credits) {
        if (!IsPartnerOf(t, credit.partner_id, conversion.program_id))
            return core::Fail(NotFound(kConversionCreditMissing));
    }
    t.conversions.emplace(conversion.id, conversion);
    t.conversion_external_ids.emplace(external, conversion.id);
    return {};
}

Result<core::Conversion> MemoryTx::GetConversion(const core::ConversionId& id) {
    return Find(read_.conversions, id, kConversionNotFound);
}

Result<std::optional<core::Conversion>> MemoryTx::FindConversionByExternalId(const core::ProgramId& program_id,
                                                                             std::string_view external_id) {
    auto it = read_.conversion_external_ids.find({program_id.str(), std::string(external_id)});
    if (it == read_.conversion_external_ids.end()) return std::optional<core::Conversion>();
    return std::optional<core::Conversion>(read_.conversions.at(it->second));
}

Result<core::Page<core::Conversion>> MemoryTx::ListConversions(const ports::FunnelFilter& filter,
                                                               const core::PageRequest& page) {
    return ListNewestFirst(read_.conversions, page, [&](const core::Conversion& c) {
        return (!filter.program_id || c.program_id == *filter.program_id) &&
               (!filter.partner_id || Credits(c, *filter.partner_id));
    });
}

Result<std::vector<core::Conversion>> MemoryTx::ListRefundsOf(const core::ConversionId& sale_id) {
    return AllOldestFirst(read_.conversions, [&](const core::Conversion& c) { return c.refund_of == sale_id; });
}

Result<void> MemoryTx::InsertCommission(const core::Commission& commission) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    auto& t = **tables;
    if (t.commissions.contains(commission.id)) return core::Fail(Conflict(kCommissionIdTaken));
    auto conversion = t.conversions.find(commission.conversion_id);
    if (conversion == t.conversions.end() || conversion->second.program_id != commission.program_id ||
        !IsPartnerOf(t, commission.partner_id, commission.program_id)) {
        return core::Fail(NotFound(kCommissionOwnersMissing));
    }
    const auto& credits = conversion->second.attribution.credits;
    if (std::none_of(credits.begin(), credits.end(),
                     [&](const core::Credit& c) { return c.partner_id == commission.partner_id; })) {
        return core::Fail(NotFound(kCommissionPartnerNotCredited));
    }
    t.commissions.emplace(commission.id, commission);
    return {};
}

Result<std::vector<core::Commission>> MemoryTx::ListCommissionsOfConversion(const core::ConversionId& id) {
    return AllOldestFirst(read_.commissions, [&](const core::Commission& c) { return c.conversion_id == id; });
}

Result<core::Page<core::Commission>> MemoryTx::ListCommissions(const ports::FunnelFilter& filter,
                                                               const core::PageRequest& page) {
    return ListNewestFirst(read_.commissions, page, [&](const core::Commission& c) {
        return (!filter.program_id || c.program_id == *filter.program_id) &&
               (!filter.partner_id || c.partner_id == *filter.partner_id);
    });
}

}  // namespace rt::storage
