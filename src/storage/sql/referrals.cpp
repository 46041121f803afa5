// Referrals and their stage history: SqlTx's methods for them.
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "storage/sql/query.hpp"
#include "storage/sql/rows.hpp"
#include "storage/sql/sql_tx.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage::sql {

namespace {

using core::ErrorCode;
using nlohmann::json;

constexpr ConstraintError kReferralConstraints[] = {
    {"referrals.id", ErrorCode::kConflict, kReferralIdTaken},
    {"referrals.program_id, referrals.id", ErrorCode::kConflict, kReferralIdTaken},
    {kForeignKey, ErrorCode::kNotFound, kReferralOwnersMissing},
};

// The history as a JSON array of {"from", "to", "at"} objects, oldest first.
std::string EncodeHistory(const std::vector<core::StageChange>& history) {
    json out = json::array();
    for (const auto& change : history)
        out.push_back({{"from", change.from}, {"to", change.to}, {"at", change.at.unix_ms}});
    return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Strict: nullopt unless every element is exactly {"from": string, "to": string, "at": integer}.
std::optional<std::vector<core::StageChange>> DecodeHistory(const std::string& text) {
    const json parsed = json::parse(text, nullptr, false);
    if (!parsed.is_array()) return std::nullopt;
    std::vector<core::StageChange> out;
    for (const auto& item : parsed) {
        if (!item.is_object() || item.size() != 3) return std::nullopt;
        const auto from = item.find("from"), to = item.find("to"), at = item.find("at");
        if (from == item.end() || to == item.end() || at == item.end() || !from->is_string() || !to->is_string() ||
            !at->is_number_integer()) {
            return std::nullopt;
        }
        out.push_back({from->get<std::string>(), to->get<std::string>(), {at->get<std::int64_t>()}});
    }
    return out;
}

core::Error Corrupt(const core::ReferralId& id, std::string_view column) {
    spdlog::error("event=corrupt_row table=referrals id={} column={}", id.str(), column);
    return core::Error::Internal("a stored referrals row could not be read; see the server log");
}

// Binds the columns an update may change: ?1 id, ?8 stage, ?9 history, ?10/?11 value, ?13 updated_at,
// ?14 converted_at.
void BindReferralChange(Statement& s, const core::Referral& r) {
    s.Bind(1, r.id.str()).Bind(8, r.stage).Bind(9, EncodeHistory(r.history)).Bind(13, r.updated_at.unix_ms);
    if (r.value) {
        s.Bind(10, r.value->amount).Bind(11, r.value->currency.code());
    } else {
        s.BindNull(10).BindNull(11);
    }
    BindOptionalTime(s, 14, r.converted_at);
}

void BindReferral(Statement& s, const core::Referral& r) {
    BindReferralChange(s, r);
    s.Bind(2, r.program_id.str()).Bind(3, r.partner_id.str()).Bind(4, r.customer_id.str());
    s.Bind(5, core::ToString(r.source)).Bind(6, r.click_id).Bind(7, r.coupon_code).Bind(12, r.created_at.unix_ms);
}

}  // namespace

Result<core::Referral> ReadReferral(const Statement& row) {
    core::Referral r;
    r.id = core::ReferralId::FromTrusted(row.Text(0));
    r.program_id = core::ProgramId::FromTrusted(row.Text(1));
    r.partner_id = core::PartnerId::FromTrusted(row.Text(2));
    r.customer_id = core::CustomerId::FromTrusted(row.Text(3));
    auto source = core::ParseReferralSource(row.Text(4));
    if (!source) return core::Fail(Corrupt(r.id, "source"));
    r.source = *source;
    r.click_id = row.Text(5);
    r.coupon_code = row.Text(6);
    r.stage = row.Text(7);
    auto history = DecodeHistory(row.Text(8));
    if (!history) return core::Fail(Corrupt(r.id, "history"));
    r.history = std::move(*history);
    if (!row.IsNull(9)) r.value = core::Money{row.Int(9), core::Currency::FromTrusted(row.Text(10))};
    r.created_at = {row.Int(11)};
    r.updated_at = {row.Int(12)};
    r.converted_at = ReadOptionalTime(row, 13);
    return r;
}

Result<void> SqlTx::InsertReferral(const core::Referral& referral) {
    return Write(
        Concat({"INSERT INTO referrals (", kReferralColumns,
                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"}),
        [&](Statement& s) { BindReferral(s, referral); }, kReferralConstraints);
}

Result<void> SqlTx::UpdateReferral(const core::Referral& referral) {
    return Write(
        "UPDATE referrals SET stage = ?8, history = ?9, value_amount = ?10, value_currency = ?11, "
        "updated_at = ?13, converted_at = ?14 WHERE id = ?1",
        [&](Statement& s) { BindReferralChange(s, referral); }, kReferralConstraints, kReferralNotFound);
}

Result<core::Referral> SqlTx::GetReferral(const core::ReferralId& id) {
    return GetOne(conn_, Concat({"SELECT ", kReferralColumns, " FROM referrals WHERE id = ?1"}), id.str(),
                  &ReadReferral, kReferralNotFound);
}

Result<core::Page<core::Referral>> SqlTx::ListReferrals(const ports::FunnelFilter& filter,
                                                        const core::PageRequest& page) {
    auto where = Equals(std::pair{"program_id", filter.program_id}, std::pair{"partner_id", filter.partner_id});
    return ListPage(conn_, kReferralColumns, "referrals", where, page, &ReadReferral);
}

Result<std::optional<core::Referral>> SqlTx::FindReferralOfCustomer(const core::ProgramId& program_id,
                                                                    const core::CustomerId& customer_id,
                                                                    core::TimePoint since) {
    return FindOne(
        conn_,
        Concat({"SELECT ", kReferralColumns,
                " FROM referrals WHERE program_id = ?1 AND customer_id = ?2 AND created_at >= ?3 "
                "ORDER BY created_at DESC, id DESC LIMIT 1"}),
        [&](Statement& s) { s.Bind(1, program_id.str()).Bind(2, customer_id.str()).Bind(3, since.unix_ms); },
        &ReadReferral);
}

}  // namespace rt::storage::sql
