// Conversions (sales and refunds) with their attribution: SqlTx's methods for them.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "storage/sql/query.hpp"
#include "storage/sql/rows.hpp"
#include "storage/sql/sql_tx.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage::sql {

namespace {

using core::ErrorCode;
using nlohmann::json;

constexpr ConstraintError kConversionConstraints[] = {
    {"conversions.id", ErrorCode::kConflict, kConversionIdTaken},
    {"conversions.program_id, conversions.id", ErrorCode::kConflict, kConversionIdTaken},
    {"conversions.program_id, conversions.external_id", ErrorCode::kConflict, kConversionExternalIdTaken},
    {kForeignKey, ErrorCode::kNotFound, kConversionProgramMissing},
};
constexpr ConstraintError kCreditConstraints[] = {
    {kForeignKey, ErrorCode::kNotFound, kConversionCreditMissing},
};

// Strict: nullopt unless every element is exactly {"partner_id": string, "weight_ppm": integer, "click_id": string}.
std::optional<std::vector<core::Credit>> DecodeCredits(const std::string& text) {
    const json parsed = json::parse(text, nullptr, false);
    if (!parsed.is_array()) return std::nullopt;
    std::vector<core::Credit> out;
    for (const auto& item : parsed) {
        if (!item.is_object() || item.size() != 3) return std::nullopt;
        const auto partner = item.find("partner_id"), weight = item.find("weight_ppm"), click = item.find("click_id");
        if (partner == item.end() || weight == item.end() || click == item.end() || !partner->is_string() ||
            !weight->is_number_integer() || !click->is_string()) {
            return std::nullopt;
        }
        out.push_back({core::PartnerId::FromTrusted(partner->get<std::string>()), weight->get<std::int64_t>(),
                       click->get<std::string>()});
    }
    return out;
}

core::Error Corrupt(const core::ConversionId& id, std::string_view column) {
    spdlog::error("event=corrupt_row table=conversions id={} column={}", id.str(), column);
    return core::Error::Internal("a stored conversions row could not be read; see the server log");
}

template <class Id>
void BindOptional(Statement& s, int index, const std::optional<Id>& id) {
    if (id) {
        s.Bind(index, id->str());
    } else {
        s.BindNull(index);
    }
}

template <class Id>
std::optional<Id> ReadOptional(const Statement& row, int column) {
    if (row.IsNull(column)) return std::nullopt;
    return Id::FromTrusted(row.Text(column));
}

void BindConversion(Statement& s, const core::Conversion& c) {
    s.Bind(1, c.id.str()).Bind(2, c.program_id.str()).Bind(3, c.external_id).Bind(4, core::ToString(c.type));
    BindOptional(s, 5, c.refund_of);
    s.Bind(6, c.amount.amount).Bind(7, c.amount.currency.code()).Bind(8, c.occurred_at.unix_ms);
    BindOptional(s, 9, c.referral_id);
    BindOptional(s, 10, c.customer_id);
    s.Bind(11, c.click_id).Bind(12, c.coupon_code).Bind(13, core::ToString(c.attribution.source));
    s.Bind(14, core::ToString(c.attribution.model)).Bind(15, EncodeConversionCredits(c.attribution.credits));
    s.Bind(16, c.request_hash).Bind(17, c.created_at.unix_ms);
    BindOptionalTime(s, 18, c.journey_started_at);
}

}  // namespace

Result<core::Conversion> ReadConversion(const Statement& row) {
    core::Conversion c;
    c.id = core::ConversionId::FromTrusted(row.Text(0));
    c.program_id = core::ProgramId::FromTrusted(row.Text(1));
    c.external_id = row.Text(2);
    auto type = core::ParseConversionType(row.Text(3));
    if (!type) return core::Fail(Corrupt(c.id, "type"));
    c.type = *type;
    c.refund_of = ReadOptional<core::ConversionId>(row, 4);
    c.amount = {row.Int(5), core::Currency::FromTrusted(row.Text(6))};
    c.occurred_at = {row.Int(7)};
    c.referral_id = ReadOptional<core::ReferralId>(row, 8);
    c.customer_id = ReadOptional<core::CustomerId>(row, 9);
    c.click_id = row.Text(10);
    c.coupon_code = row.Text(11);
    auto source = core::ParseAttributionSource(row.Text(12));
    if (!source) return core::Fail(Corrupt(c.id, "attribution_source"));
    auto model = core::ParseAttributionModel(row.Text(13));
    if (!model) return core::Fail(Corrupt(c.id, "attribution_model"));
    auto credits = DecodeCredits(row.Text(14));
    if (!credits) return core::Fail(Corrupt(c.id, "attribution_credits"));
    c.attribution = {*source, *model, std::move(*credits)};
    c.request_hash = row.Text(15);
    c.created_at = {row.Int(16)};
    c.journey_started_at = ReadOptionalTime(row, 17);
    return c;
}

std::string EncodeConversionCredits(const std::vector<core::Credit>& credits) {
    const bool utf8 = std::all_of(credits.begin(), credits.end(), [](const core::Credit& c) {
        return core::IsValidUtf8(c.partner_id.str()) && core::IsValidUtf8(c.click_id);
    });
    if (!utf8) {  // nlohmann's replacement of the bytes that are not UTF-8
        json out = json::array();
        for (const auto& c : credits) {
            out.push_back({{"partner_id", c.partner_id.str()}, {"weight_ppm", c.weight_ppm}, {"click_id", c.click_id}});
        }
        return out.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    std::string out = "[";
    for (const auto& c : credits) {
        if (out.size() > 1) out += ',';
        out += R"({"click_id":)";
        core::AppendJsonString(out, c.click_id);
        out += R"(,"partner_id":)";
        core::AppendJsonString(out, c.partner_id.str());
        out += R"(,"weight_ppm":)";
        out += std::to_string(c.weight_ppm);
        out += '}';
    }
    out += ']';
    return out;
}

Result<void> SqlTx::InsertConversion(const core::Conversion& conversion) {
    if (!writable_) return core::Fail(core::Error::Internal(std::string(kReadOnlyTransaction)));
    // A refused conversion leaves nothing behind, without a savepoint around its rows (on SQLite a savepoint copies
    // every page it writes first into its journal). The row's own refusals (a missing program,
    // a taken id or external id) come first and write nothing. The one way a credit is refused, a partner that is
    // not the program's (the foreign key), is checked before any credit is written; the row is deleted again then.
    auto inserted = Write(
        Concat({"INSERT INTO conversions (", kConversionColumns,
                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"}),
        [&](Statement& s) { BindConversion(s, conversion); }, kConversionConstraints);
    if (!inserted) return inserted;
    for (const auto& credit : conversion.attribution.credits) {
        auto found = Exists(conn_, "SELECT 1 FROM partners WHERE program_id = ?1 AND id = ?2", [&](Statement& s) {
            s.Bind(1, conversion.program_id.str()).Bind(2, credit.partner_id.str());
        });
        if (!found) return HalfWritten(found.error());
        if (*found) continue;
        auto undo = conn_.Prepare("DELETE FROM conversions WHERE id = ?1");
        if (!undo) return HalfWritten(undo.error());
        undo->Bind(1, conversion.id.str());
        if (auto undone = undo->Run(); !undone) return HalfWritten(undone.error());
        return core::Fail(core::Error::NotFound(std::string(kConversionCreditMissing)));
    }
    for (const auto& credit : conversion.attribution.credits) {
        auto credited = Write(
            "INSERT INTO conversion_credits (program_id, partner_id, conversion_id) VALUES (?1, ?2, ?3) ON "
            "CONFLICT DO NOTHING",
            [&](Statement& s) {
                s.Bind(1, conversion.program_id.str()).Bind(2, credit.partner_id.str()).Bind(3, conversion.id.str());
            },
            kCreditConstraints);
        // Not a refusal (the partners were found above) but the database failing underneath.
        if (!credited) return HalfWritten(credited.error());
    }
    return {};
}

Result<core::Conversion> SqlTx::GetConversion(const core::ConversionId& id) {
    return GetOne(conn_, Concat({"SELECT ", kConversionColumns, " FROM conversions WHERE id = ?1"}), id.str(),
                  &ReadConversion, kConversionNotFound);
}

Result<std::optional<core::Conversion>> SqlTx::FindConversionByExternalId(const core::ProgramId& program_id,
                                                                          std::string_view external_id) {
    return FindOne(
        conn_, Concat({"SELECT ", kConversionColumns, " FROM conversions WHERE program_id = ?1 AND external_id = ?2"}),
        [&](Statement& s) { s.Bind(1, program_id.str()).Bind(2, external_id); }, &ReadConversion);
}

Result<core::Page<core::Conversion>> SqlTx::ListConversions(const ports::FunnelFilter& filter,
                                                            const core::PageRequest& page) {
    auto where = Equals(std::pair{"program_id", filter.program_id});
    if (filter.partner_id) {
        where.push_back(
            // Through the primary key of conversion_credits, (program_id, partner_id, conversion_id): the partner's
            // program comes from its row.
            {"id IN (SELECT c.conversion_id FROM partners p JOIN conversion_credits c ON c.program_id = p.program_id "
             "AND c.partner_id = p.id WHERE p.id = ",
             filter.partner_id->str(), ")"});
    }
    return ListPage(conn_, kConversionColumns, "conversions", where, page, &ReadConversion);
}

Result<std::vector<core::Conversion>> SqlTx::ListRefundsOf(const core::ConversionId& sale_id) {
    return FindAll(
        conn_, Concat({"SELECT ", kConversionColumns, " FROM conversions WHERE refund_of = ?1 ORDER BY id"}),
        [&](Statement& s) { s.Bind(1, sale_id.str()); }, &ReadConversion);
}

}  // namespace rt::storage::sql
