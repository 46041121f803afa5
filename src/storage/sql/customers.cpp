// The program's customers and coupons: SqlTx's methods for them.
#include "storage/sql/query.hpp"
#include "storage/sql/sql_tx.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage::sql {

namespace {

using core::ErrorCode;

constexpr ConstraintError kCustomerConstraints[] = {
    {"customers.id", ErrorCode::kConflict, kCustomerIdTaken},
    {"customers.program_id, customers.id", ErrorCode::kConflict, kCustomerIdTaken},
    {"customers.program_id, customers.external_id", ErrorCode::kConflict, kCustomerExternalIdTaken},
    {"customers.program_id, customers.email_hash", ErrorCode::kConflict, kCustomerEmailTaken},
    {kForeignKey, ErrorCode::kNotFound, kCustomerProgramMissing},
};
constexpr ConstraintError kCouponConstraints[] = {
    {"coupons.id", ErrorCode::kConflict, kCouponIdTaken},
    {"coupons.program_id, coupons.id", ErrorCode::kConflict, kCouponIdTaken},
    {"coupons.program_id, coupons.code", ErrorCode::kConflict, kCouponCodeTaken},
    {kForeignKey, ErrorCode::kNotFound, kCouponPartnerMissing},
};

constexpr std::string_view kCustomerColumns =
    "id, program_id, external_id, email_hash, email_sealed, name_sealed, credited_partner_id, created_at";
constexpr std::string_view kCouponColumns = "id, program_id, partner_id, code, active, created_at";

// Binds ?1..?7; ?8, created_at, only when inserting (an UPDATE has no ?8).
void BindCustomer(Statement& s, const core::Customer& c, bool inserting) {
    s.Bind(1, c.id.str()).Bind(2, c.program_id.str()).Bind(3, c.external_id).Bind(4, c.email_hash);
    s.Bind(5, c.email_sealed).Bind(6, c.name_sealed);
    if (c.credited_partner) {
        s.Bind(7, c.credited_partner->str());
    } else {
        s.BindNull(7);
    }
    if (inserting) s.Bind(8, c.created_at.unix_ms);
}

Result<core::Customer> ReadCustomer(const Statement& row) {
    core::Customer c;
    c.id = core::CustomerId::FromTrusted(row.Text(0));
    c.program_id = core::ProgramId::FromTrusted(row.Text(1));
    c.external_id = row.Text(2);
    c.email_hash = row.Text(3);
    c.email_sealed = row.Text(4);
    c.name_sealed = row.Text(5);
    if (!row.IsNull(6)) c.credited_partner = core::PartnerId::FromTrusted(row.Text(6));
    c.created_at = {row.Int(7)};
    return c;
}

void BindCoupon(Statement& s, const core::Coupon& c) {
    s.Bind(1, c.id.str()).Bind(2, c.program_id.str()).Bind(3, c.partner_id.str()).Bind(4, c.code);
    s.Bind(5, std::int64_t{c.active ? 1 : 0}).Bind(6, c.created_at.unix_ms);
}

Result<core::Coupon> ReadCoupon(const Statement& row) {
    core::Coupon c;
    c.id = core::CouponId::FromTrusted(row.Text(0));
    c.program_id = core::ProgramId::FromTrusted(row.Text(1));
    c.partner_id = core::PartnerId::FromTrusted(row.Text(2));
    c.code = row.Text(3);
    c.active = row.Int(4) != 0;
    c.created_at = {row.Int(5)};
    return c;
}

// The customer of the program whose `column` holds `value`; nullopt when none or when `value` is empty
// (empty values are not unique, so they name no one).
Result<std::optional<core::Customer>> FindCustomerBy(Connection& conn, std::string_view column,
                                                     const core::ProgramId& program_id, std::string_view value) {
    if (value.empty()) return std::optional<core::Customer>();
    // "<> ''" lets SQLite use the partial unique index on the column (it indexes non-empty values only);
    // without it the lookup reads every customer of the program.
    const std::string sql = Concat({"SELECT ", kCustomerColumns, " FROM customers WHERE program_id = ?1 AND ", column,
                                    " = ?2 AND ", column, " <> ''"});
    return FindOne(
        conn, sql, [&](Statement& s) { s.Bind(1, program_id.str()).Bind(2, value); }, &ReadCustomer);
}

}  // namespace

Result<void> SqlTx::InsertCustomer(const core::Customer& customer) {
    return Write(
        Concat({"INSERT INTO customers (", kCustomerColumns, ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"}),
        [&](Statement& s) { BindCustomer(s, customer, true); }, kCustomerConstraints);
}

Result<void> SqlTx::UpdateCustomer(const core::Customer& customer) {
    return Write(
        "UPDATE customers SET external_id = ?3, email_hash = ?4, email_sealed = ?5, name_sealed = ?6, "
        "credited_partner_id = ?7 WHERE id = ?1",
        [&](Statement& s) { BindCustomer(s, customer, false); }, kCustomerConstraints, kCustomerNotFound);
}

Result<core::Customer> SqlTx::GetCustomer(const core::CustomerId& id) {
    return GetOne(conn_, Concat({"SELECT ", kCustomerColumns, " FROM customers WHERE id = ?1"}), id.str(),
                  &ReadCustomer, kCustomerNotFound);
}

Result<std::optional<core::Customer>> SqlTx::FindCustomerByExternalId(const core::ProgramId& program_id,
                                                                      std::string_view external_id) {
    return FindCustomerBy(conn_, "external_id", program_id, external_id);
}

Result<std::optional<core::Customer>> SqlTx::FindCustomerByEmailHash(const core::ProgramId& program_id,
                                                                     std::string_view email_hash) {
    return FindCustomerBy(conn_, "email_hash", program_id, email_hash);
}

Result<void> SqlTx::InsertCoupon(const core::Coupon& coupon) {
    return Write(
        Concat({"INSERT INTO coupons (", kCouponColumns, ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)"}),
        [&](Statement& s) { BindCoupon(s, coupon); }, kCouponConstraints);
}

Result<void> SqlTx::UpdateCoupon(const core::Coupon& coupon) {
    return Write(
        "UPDATE coupons SET code = ?2, active = ?3 WHERE id = ?1",
        [&](Statement& s) { s.Bind(1, coupon.id.str()).Bind(2, coupon.code).Bind(3, std::int64_t{coupon.active}); },
        kCouponConstraints, kCouponNotFound);
}

Result<core::Coupon> SqlTx::GetCoupon(const core::CouponId& id) {
    return GetOne(conn_, Concat({"SELECT ", kCouponColumns, " FROM coupons WHERE id = ?1"}), id.str(), &ReadCoupon,
                  kCouponNotFound);
}

Result<std::optional<core::Coupon>> SqlTx::FindCouponByCode(const core::ProgramId& program_id, std::string_view code) {
    return FindOne(
        conn_, Concat({"SELECT ", kCouponColumns, " FROM coupons WHERE program_id = ?1 AND code = ?2"}),
        [&](Statement& s) { s.Bind(1, program_id.str()).Bind(2, code); }, &ReadCoupon);
}

Result<core::Page<core::Coupon>> SqlTx::ListCoupons(const ports::FunnelFilter& filter, const core::PageRequest& page) {
    auto where = Equals(std::pair{"program_id", filter.program_id}, std::pair{"partner_id", filter.partner_id});
    return ListPage(conn_, kCouponColumns, "coupons", where, page, &ReadCoupon);
}

}  // namespace rt::storage::sql
