// The memory store's customers and coupons: MemoryTx's methods for them, with the SQLite store's rules.
#include "storage/memory/memory_query.hpp"
#include "storage/memory/memory_tx.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage {

namespace {

using Tables = MemoryStore::Tables;

// The entry of a (program id, value) index; nullptr when `value` is empty (empty values are in no index)
// or absent.
template <class Id>
const Id* Lookup(const std::map<Tables::ProgramKey, Id>& index, const core::ProgramId& program_id,
                 std::string_view value) {
    if (value.empty()) return nullptr;
    auto it = index.find({program_id.str(), std::string(value)});
    return it == index.end() ? nullptr : &it->second;
}

// Whether changing a row's value from `before` to `after` would take a value another row holds.
template <class Id>
bool Taken(const std::map<Tables::ProgramKey, Id>& index, const core::ProgramId& program_id, const std::string& before,
           const std::string& after) {
    return before != after && Lookup(index, program_id, after) != nullptr;
}

// Moves `id`'s entry of a (program id, value) index from `before` to `after`. Precondition: !Taken(…).
template <class Id>
void Reindex(std::map<Tables::ProgramKey, Id>& index, const core::ProgramId& program_id, const std::string& before,
             const std::string& after, const Id& id) {
    if (before == after) return;
    if (!before.empty()) index.erase({program_id.str(), before});
    if (!after.empty()) index.emplace(Tables::ProgramKey{program_id.str(), after}, id);
}

Result<std::optional<core::Customer>> FindCustomerIn(const Tables& tables, const core::CustomerId* id) {
    if (id == nullptr) return std::optional<core::Customer>();
    return std::optional<core::Customer>(tables.customers.at(*id));
}

}  // namespace

Result<void> MemoryTx::InsertCustomer(const core::Customer& customer) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    auto& t = **tables;
    if (t.customers.contains(customer.id)) return core::Fail(Conflict(kCustomerIdTaken));
    if (Lookup(t.customer_external_ids, customer.program_id, customer.external_id) != nullptr) {
        return core::Fail(Conflict(kCustomerExternalIdTaken));
    }
    if (Lookup(t.customer_email_hashes, customer.program_id, customer.email_hash) != nullptr) {
        return core::Fail(Conflict(kCustomerEmailTaken));
    }
    if (!t.programs.contains(customer.program_id)) return core::Fail(NotFound(kCustomerProgramMissing));
    t.customers.emplace(customer.id, customer);
    Reindex(t.customer_external_ids, customer.program_id, std::string(), customer.external_id, customer.id);
    Reindex(t.customer_email_hashes, customer.program_id, std::string(), customer.email_hash, customer.id);
    return {};
}

Result<void> MemoryTx::UpdateCustomer(const core::Customer& customer) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    auto& t = **tables;
    auto it = t.customers.find(customer.id);
    if (it == t.customers.end()) return core::Fail(NotFound(kCustomerNotFound));
    core::Customer& stored = it->second;
    const auto& program = stored.program_id;
    if (Taken(t.customer_external_ids, program, stored.external_id, customer.external_id)) {
        return core::Fail(Conflict(kCustomerExternalIdTaken));
    }
    if (Taken(t.customer_email_hashes, program, stored.email_hash, customer.email_hash)) {
        return core::Fail(Conflict(kCustomerEmailTaken));
    }
    Reindex(t.customer_external_ids, program, stored.external_id, customer.external_id, stored.id);
    Reindex(t.customer_email_hashes, program, stored.email_hash, customer.email_hash, stored.id);
    stored.external_id = customer.external_id;
    stored.email_hash = customer.email_hash;
    stored.email_sealed = customer.email_sealed;
    stored.name_sealed = customer.name_sealed;
    stored.credited_partner = customer.credited_partner;
    return {};
}

Result<core::Customer> MemoryTx::GetCustomer(const core::CustomerId& id) {
    return Find(read_.customers, id, kCustomerNotFound);
}

Result<std::optional<core::Customer>> MemoryTx::FindCustomerByExternalId(const core::ProgramId& program_id,
                                                                         std::string_view external_id) {
    return FindCustomerIn(read_, Lookup(read_.customer_external_ids, program_id, external_id));
}

Result<std::optional<core::Customer>> MemoryTx::FindCustomerByEmailHash(const core::ProgramId& program_id,
                                                                        std::string_view email_hash) {
    return FindCustomerIn(read_, Lookup(read_.customer_email_hashes, program_id, email_hash));
}

Result<void> MemoryTx::InsertCoupon(const core::Coupon& coupon) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    auto& t = **tables;
    if (t.coupons.contains(coupon.id)) return core::Fail(Conflict(kCouponIdTaken));
    if (t.coupon_codes.contains({coupon.program_id.str(), coupon.code})) return core::Fail(Conflict(kCouponCodeTaken));
    auto partner = t.partners.find(coupon.partner_id);
    if (partner == t.partners.end() || partner->second.program_id != coupon.program_id) {
        return core::Fail(NotFound(kCouponPartnerMissing));
    }
    t.coupons.emplace(coupon.id, coupon);
    t.coupon_codes.emplace(Tables::ProgramKey{coupon.program_id.str(), coupon.code}, coupon.id);
    return {};
}

Result<void> MemoryTx::UpdateCoupon(const core::Coupon& coupon) {
    auto tables = Writable();
    if (!tables) return core::Fail(tables.error());
    auto& t = **tables;
    auto it = t.coupons.find(coupon.id);
    if (it == t.coupons.end()) return core::Fail(NotFound(kCouponNotFound));
    core::Coupon& stored = it->second;
    if (coupon.code != stored.code) {
        const std::string program = stored.program_id.str();
        if (t.coupon_codes.contains({program, coupon.code})) return core::Fail(Conflict(kCouponCodeTaken));
        t.coupon_codes.erase({program, stored.code});
        t.coupon_codes.emplace(Tables::ProgramKey{program, coupon.code}, coupon.id);
    }
    stored.code = coupon.code;
    stored.active = coupon.active;
    return {};
}

Result<core::Coupon> MemoryTx::GetCoupon(const core::CouponId& id) { return Find(read_.coupons, id, kCouponNotFound); }

Result<std::optional<core::Coupon>> MemoryTx::FindCouponByCode(const core::ProgramId& program_id,
                                                               std::string_view code) {
    auto it = read_.coupon_codes.find({program_id.str(), std::string(code)});
    if (it == read_.coupon_codes.end()) return std::optional<core::Coupon>();
    return std::optional<core::Coupon>(read_.coupons.at(it->second));
}

Result<core::Page<core::Coupon>> MemoryTx::ListCoupons(const ports::FunnelFilter& filter,
                                                       const core::PageRequest& page) {
    return ListNewestFirst(read_.coupons, page, [&](const core::Coupon& c) {
        return (!filter.program_id || c.program_id == *filter.program_id) &&
               (!filter.partner_id || c.partner_id == *filter.partner_id);
    });
}

}  // namespace rt::storage
