// Commissions: SqlTx's methods for them.
#include <spdlog/spdlog.h>

#include "storage/sql/query.hpp"
#include "storage/sql/sql_tx.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage::sql {

namespace {

using core::ErrorCode;

constexpr ConstraintError kCommissionConstraints[] = {
    {"commissions.id", ErrorCode::kConflict, kCommissionIdTaken},
    {"commissions.program_id, commissions.id", ErrorCode::kConflict, kCommissionIdTaken},
    {kForeignKey, ErrorCode::kNotFound, kCommissionOwnersMissing},
};

constexpr std::string_view kCommissionColumns =
    "id, program_id, conversion_id, partner_id, amount, currency, status, reverses, created_at";

void BindCommission(Statement& s, const core::Commission& c) {
    s.Bind(1, c.id.str()).Bind(2, c.program_id.str()).Bind(3, c.conversion_id.str()).Bind(4, c.partner_id.str());
    s.Bind(5, c.amount.amount).Bind(6, c.amount.currency.code()).Bind(7, core::ToString(c.status));
    if (c.reverses) {
        s.Bind(8, c.reverses->str());
    } else {
        s.BindNull(8);
    }
    s.Bind(9, c.created_at.unix_ms);
}

Result<core::Commission> ReadCommission(const Statement& row) {
    core::Commission c;
    c.id = core::CommissionId::FromTrusted(row.Text(0));
    c.program_id = core::ProgramId::FromTrusted(row.Text(1));
    c.conversion_id = core::ConversionId::FromTrusted(row.Text(2));
    c.partner_id = core::PartnerId::FromTrusted(row.Text(3));
    c.amount = {row.Int(4), core::Currency::FromTrusted(row.Text(5))};
    auto status = core::ParseCommissionStatus(row.Text(6));
    if (!status) {
        spdlog::error("event=corrupt_row table=commissions id={} column=status", c.id.str());
        return core::Fail(core::Error::Internal("a stored commissions row could not be read; see the server log"));
    }
    c.status = *status;
    if (!row.IsNull(7)) c.reverses = core::CommissionId::FromTrusted(row.Text(7));
    c.created_at = {row.Int(8)};
    return c;
}

}  // namespace

Result<void> SqlTx::InsertCommission(const core::Commission& commission) {
    if (!writable_) return core::Fail(core::Error::Internal(std::string(kReadOnlyTransaction)));
    auto credited = Exists(conn_,
                           "SELECT 1 FROM conversion_credits WHERE program_id = ?1 AND partner_id = ?2 AND "
                           "conversion_id = ?3",
                           [&](Statement& s) {
                               s.Bind(1, commission.program_id.str())
                                   .Bind(2, commission.partner_id.str())
                                   .Bind(3, commission.conversion_id.str());
                           });
    if (!credited) return core::Fail(credited.error());
    if (!*credited) {
        // Refused either way, with the error the insert would have given first: a taken id, then owners missing.
        auto taken = Exists(conn_, "SELECT 1 FROM commissions WHERE id = ?1",
                            [&](Statement& s) { s.Bind(1, commission.id.str()); });
        if (!taken) return core::Fail(taken.error());
        if (*taken) return core::Fail(core::Error::Conflict(std::string(kCommissionIdTaken)));
        auto owned = Exists(conn_,
                            "SELECT 1 FROM conversions c JOIN partners p ON p.program_id = c.program_id WHERE "
                            "c.program_id = ?1 AND c.id = ?2 AND p.id = ?3",
                            [&](Statement& s) {
                                s.Bind(1, commission.program_id.str())
                                    .Bind(2, commission.conversion_id.str())
                                    .Bind(3, commission.partner_id.str());
                            });
        if (!owned) return core::Fail(owned.error());
        return core::Fail(
            core::Error::NotFound(std::string(*owned ? kCommissionPartnerNotCredited : kCommissionOwnersMissing)));
    }
    return Write(
        Concat({"INSERT INTO commissions (", kCommissionColumns, ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"}),
        [&](Statement& s) { BindCommission(s, commission); }, kCommissionConstraints);
}

Result<std::vector<core::Commission>> SqlTx::ListCommissionsOfConversion(const core::ConversionId& id) {
    return FindAll(
        conn_, Concat({"SELECT ", kCommissionColumns, " FROM commissions WHERE conversion_id = ?1 ORDER BY id"}),
        [&](Statement& s) { s.Bind(1, id.str()); }, &ReadCommission);
}

Result<core::Page<core::Commission>> SqlTx::ListCommissions(const ports::FunnelFilter& filter,
                                                            const core::PageRequest& page) {
    auto where = Equals(std::pair{"program_id", filter.program_id}, std::pair{"partner_id", filter.partner_id});
    if (filter.partner_id) {
        // No index keyed by partner (schema V10): the partner's commissions are on the conversions credited to it,
        // found through the primary key of conversion_credits, (program_id, partner_id, conversion_id), then
        // commissions_conversion_id. A page costs a lookup per conversion credited to the partner.
        where.push_back(
            {"conversion_id IN (SELECT c.conversion_id FROM partners p JOIN conversion_credits c ON c.program_id = "
             "p.program_id AND c.partner_id = p.id WHERE p.id = ",
             filter.partner_id->str(), ")"});
        // With a program too, SQLite would rather walk the program's commissions in id order (no sort) than probe
        // per credit: every commission of the program for a partner with few.
        return ListPage(conn_, kCommissionColumns, conn_.ThroughIndex("commissions", "commissions_conversion_id"),
                        where, page, &ReadCommission);
    }
    return ListPage(conn_, kCommissionColumns, "commissions", where, page, &ReadCommission);
}

}  // namespace rt::storage::sql
