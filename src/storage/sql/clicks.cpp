// The clicks table: SqlTx's click methods. Columns and index: migrations.cpp, schema v4.
#include <spdlog/spdlog.h>

#include <string>
#include <vector>

#include "storage/click_rules.hpp"
#include "storage/sql/sql_tx.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage::sql {

namespace {

constexpr ConstraintError kClickConstraints[] = {
    {"clicks.id", core::ErrorCode::kConflict, kClickIdTaken},
};

constexpr std::string_view kClickColumns =
    "id, program_id, partner_id, link_id, visitor_id, at, referrer_host, device, utm_source, utm_medium, "
    "utm_campaign, utm_term, utm_content, ip_prefix, ip_hash, bot, is_unique";
constexpr std::string_view kClickValues = "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17";

void BindClick(Statement& s, const core::Click& c) {
    s.Bind(1, c.id.str()).Bind(2, c.program_id.str()).Bind(3, c.partner_id.str()).Bind(4, c.link_id.str());
    s.Bind(5, c.visitor_id.str()).Bind(6, c.at.unix_ms).Bind(7, c.referrer_host).Bind(8, core::ToString(c.device));
    s.Bind(9, c.utm.source).Bind(10, c.utm.medium).Bind(11, c.utm.campaign).Bind(12, c.utm.term);
    s.Bind(13, c.utm.content).Bind(14, c.ip_prefix).Bind(15, c.ip_hash);
    s.Bind(16, std::int64_t{c.bot ? 1 : 0}).Bind(17, std::int64_t{c.unique ? 1 : 0});
}

Result<core::Click> ReadClick(const Statement& row) {
    core::Click c;
    c.id = core::ClickId::FromTrusted(row.Text(0));
    c.program_id = core::ProgramId::FromTrusted(row.Text(1));
    c.partner_id = core::PartnerId::FromTrusted(row.Text(2));
    c.link_id = core::LinkId::FromTrusted(row.Text(3));
    c.visitor_id = core::VisitorId::FromTrusted(row.Text(4));
    c.at = {row.Int(5)};
    c.referrer_host = row.Text(6);
    const auto device = core::ParseDeviceClass(row.Text(7));
    if (!device) {
        spdlog::error("event=corrupt_row table=clicks id={} column=device", c.id.str());
        return core::Fail(core::Error::Internal("a stored click could not be read"));
    }
    c.device = *device;
    c.utm = {row.Text(8), row.Text(9), row.Text(10), row.Text(11), row.Text(12)};
    c.ip_prefix = row.Text(13);
    c.ip_hash = row.Text(14);
    c.bot = row.Int(15) != 0;
    c.unique = row.Int(16) != 0;
    return c;
}

}  // namespace

Result<void> SqlTx::InsertClicks(std::span<const core::Click> clicks) {
    if (!writable_) return core::Fail(core::Error::Internal(std::string(kReadOnlyTransaction)));
    // One cached prepared statement, bound and stepped once per click, all inside the caller's one
    // transaction: the batch costs one commit (one fsync), and no SQL is parsed per row.
    const std::string sql =
        "INSERT INTO clicks (" + std::string(kClickColumns) + ") VALUES (" + std::string(kClickValues) + ")";
    for (const auto& click : clicks) {
        auto statement = conn_.Prepare(sql);
        if (!statement) return core::Fail(statement.error());
        BindClick(*statement, click);
        if (auto ok = statement->Run(kClickConstraints); !ok) return ok;
    }
    return {};
}

Result<core::Click> SqlTx::GetClick(const core::ClickId& id) {
    auto statement = conn_.Prepare("SELECT " + std::string(kClickColumns) + " FROM clicks WHERE id = ?1");
    if (!statement) return core::Fail(statement.error());
    statement->Bind(1, id.str());
    auto row = statement->Step();
    if (!row) return core::Fail(row.error());
    if (!*row) return core::Fail(core::Error::NotFound(std::string(kClickNotFound)));
    return ReadClick(*statement);
}

Result<std::vector<core::Click>> SqlTx::ListVisitorClicks(const core::ProgramId& program_id,
                                                          const core::VisitorId& visitor_id, core::TimePoint since) {
    // Served by clicks_visitor (program_id, visitor_id, id); ids are time-ordered, so id order is time order.
    auto statement = conn_.Prepare("SELECT " + std::string(kClickColumns) +
                                   " FROM clicks WHERE program_id = ?1 AND visitor_id = ?2 AND at >= ?3 ORDER BY id");
    if (!statement) return core::Fail(statement.error());
    statement->Bind(1, program_id.str()).Bind(2, visitor_id.str()).Bind(3, since.unix_ms);
    std::vector<core::Click> out;
    for (;;) {
        auto row = statement->Step();
        if (!row) return core::Fail(row.error());
        if (!*row) break;
        auto click = ReadClick(*statement);
        if (!click) return core::Fail(click.error());
        out.push_back(std::move(*click));
    }
    return out;
}

Result<void> SqlTx::ForEachClick(const core::ProgramId& program_id,
                                 const std::function<Result<void>(const core::Click&)>& fn) {
    // The clicks table is keyed by id alone (time-ordered inserts): this walks it in key order and
    // skips other programs' rows. A rebuild is the only caller.
    auto statement =
        conn_.Prepare("SELECT " + std::string(kClickColumns) + " FROM clicks WHERE program_id = ?1 ORDER BY id");
    if (!statement) return core::Fail(statement.error());
    statement->Bind(1, program_id.str());
    for (;;) {
        auto row = statement->Step();
        if (!row) return core::Fail(row.error());
        if (!*row) return {};
        auto click = ReadClick(*statement);
        if (!click) return core::Fail(click.error());
        if (auto done = fn(*click); !done) return done;
    }
}

}  // namespace rt::storage::sql
