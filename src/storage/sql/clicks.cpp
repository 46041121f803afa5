// The clicks table: SqlTx's click methods. Columns and index: migrations.cpp, schema v4.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>
#include <vector>

#include "storage/click_rules.hpp"
#include "storage/sql/query.hpp"
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
constexpr int kClickColumnCount = 17;

// INSERT INTO clicks (…) VALUES (?1, …, ?17), (?18, …, ?34), …: `rows` rows.
std::string InsertClicksSql(int rows) {
    std::string sql = "INSERT INTO clicks (" + std::string(kClickColumns) + ") VALUES ";
    for (int row = 0; row < rows; ++row) {
        sql += row == 0 ? "(" : ", (";
        for (int column = 1; column <= kClickColumnCount; ++column) {
            if (column > 1) sql += ", ";
            sql += "?" + std::to_string(row * kClickColumnCount + column);
        }
        sql += ")";
    }
    return sql;
}

// Binds the click as the row after the first `row` rows of the statement. Its texts are bound in place
// (BindView): the click outlives the statement, and ToString(DeviceClass) names a constant.
void BindClick(Statement& s, const core::Click& c, int row) {
    const int o = row * kClickColumnCount;
    s.BindView(o + 1, c.id.str()).BindView(o + 2, c.program_id.str()).BindView(o + 3, c.partner_id.str());
    s.BindView(o + 4, c.link_id.str()).BindView(o + 5, c.visitor_id.str()).Bind(o + 6, c.at.unix_ms);
    s.BindView(o + 7, c.referrer_host).BindView(o + 8, core::ToString(c.device)).BindView(o + 9, c.utm.source);
    s.BindView(o + 10, c.utm.medium).BindView(o + 11, c.utm.campaign).BindView(o + 12, c.utm.term);
    s.BindView(o + 13, c.utm.content).BindView(o + 14, c.ip_prefix).BindView(o + 15, c.ip_hash);
    s.Bind(o + 16, std::int64_t{c.bot ? 1 : 0}).Bind(o + 17, std::int64_t{c.unique ? 1 : 0});
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
    // Cached prepared statements of RowsPerInsert() rows (and one for the rest), bound and run inside the
    // caller's one transaction: the batch costs one commit (one fsync), and no SQL is parsed per row. On
    // SQLite that is one statement stepped once per click; on PostgreSQL one round trip per 64 clicks.
    const std::size_t per = static_cast<std::size_t>(std::max(conn_.RowsPerInsert(), 1));
    std::string sql;
    std::size_t sql_rows = 0;
    for (std::size_t at = 0; at < clicks.size(); at += per) {
        const std::size_t rows = std::min(per, clicks.size() - at);
        if (rows != sql_rows) {
            sql = InsertClicksSql(static_cast<int>(rows));
            sql_rows = rows;
        }
        auto statement = conn_.Prepare(sql);
        if (!statement) return core::Fail(statement.error());
        for (std::size_t row = 0; row < rows; ++row) BindClick(*statement, clicks[at + row], static_cast<int>(row));
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
    return FindAll(
        conn_,
        "SELECT " + std::string(kClickColumns) +
            " FROM clicks WHERE program_id = ?1 AND visitor_id = ?2 AND at >= ?3 ORDER BY id",
        [&](Statement& s) { s.Bind(1, program_id.str()).Bind(2, visitor_id.str()).Bind(3, since.unix_ms); },
        &ReadClick);
}

Result<std::optional<std::vector<core::Click>>> SqlTx::ListVisitorClicksOf(const core::ProgramId& program_id,
                                                                           const core::ClickId& click_id,
                                                                           core::TimePoint since) {
    // The named click's visitor by the primary key, then that visitor's clicks through clicks_visitor.
    auto clicks = FindAll(
        conn_,
        "SELECT " + std::string(kClickColumns) +
            " FROM clicks WHERE program_id = ?1 AND visitor_id = (SELECT visitor_id FROM clicks WHERE id = ?2 AND "
            "program_id = ?1) AND at >= ?3 ORDER BY id",
        [&](Statement& s) { s.Bind(1, program_id.str()).Bind(2, click_id.str()).Bind(3, since.unix_ms); }, &ReadClick);
    if (!clicks) return core::Fail(clicks.error());
    if (!clicks->empty()) return std::optional(std::move(*clicks));
    // None in the window: whether the program has the click at all.
    auto named = Exists(conn_, "SELECT 1 FROM clicks WHERE id = ?1 AND program_id = ?2",
                        [&](Statement& s) { s.Bind(1, click_id.str()).Bind(2, program_id.str()); });
    if (!named) return core::Fail(named.error());
    if (!*named) return std::optional<std::vector<core::Click>>();
    return std::optional(std::vector<core::Click>());
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
