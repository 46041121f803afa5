// Report rollups (rollup_cells, funnel_cells) and the program-wide scans that rebuild them: SqlTx's
// methods for them, and the pending rows of deltas not yet added (rollup_pending). Tables and indexes:
// migrations.cpp, schema v5 and v7.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/sql/query.hpp"
#include "storage/sql/rows.hpp"
#include "storage/sql/sql_tx.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage::sql {

namespace {

// The additive measures of rollup_cells, in the order of their columns (after the key and version).
struct MeasureColumn {
    std::string_view name;
    std::int64_t core::Measures::*member;
};
constexpr MeasureColumn kMeasures[] = {
    {"clicks", &core::Measures::clicks},
    {"unique_clicks", &core::Measures::unique_clicks},
    {"bot_clicks", &core::Measures::bot_clicks},
    {"referrals", &core::Measures::referrals},
    {"conversions_ppm", &core::Measures::conversions_ppm},
    {"refunds_ppm", &core::Measures::refunds_ppm},
    {"sales_minor", &core::Measures::sales_minor},
    {"refunded_minor", &core::Measures::refunded_minor},
    {"commission_minor", &core::Measures::commission_minor},
    {"converted", &core::Measures::converted},
    {"converted_7d", &core::Measures::converted_7d},
    {"converted_30d", &core::Measures::converted_30d},
    {"converted_90d", &core::Measures::converted_90d},
};
constexpr int kFirstMeasure = 7;  // ?7: after the key (?1..?5) and version
constexpr int kRollupSketch = kFirstMeasure + static_cast<int>(std::size(kMeasures));  // ?20: sketch or NULL

constexpr std::string_view kRollupKey = "program_id, day, partner_id, link_id, source";
constexpr std::string_view kFunnelKey = "program_id, day, partner_id, link_id, source, stage";

// The statements of rollup_cells, spelled from kMeasures so that columns and parameters cannot drift apart.
struct RollupSql {
    std::string columns;  // key, version, measures, time_to_conversion: the order ReadRollupCell reads
    std::string upsert;   // binds as BindKey, ?6 version, the measures, the sketch (NULL keeps the stored one)
};

const RollupSql& Rollup() {
    static const RollupSql sql = [] {
        RollupSql out;
        out.columns = Concat({kRollupKey, ", version"});
        std::string values = "?1, ?2, ?3, ?4, ?5, ?6";
        std::string sums = "version = excluded.version";
        int index = kFirstMeasure;
        for (const auto& m : kMeasures) {
            out.columns += Concat({", ", m.name});
            values += ", ?" + std::to_string(index++);
            sums += Concat({", ", m.name, " = rollup_cells.", m.name, " + excluded.", m.name});
        }
        out.columns += ", time_to_conversion";
        const std::string sketch = "?" + std::to_string(kRollupSketch);
        out.upsert = Concat({"INSERT INTO rollup_cells (", out.columns, ") VALUES (", values, ", coalesce(", sketch,
                             ", '')) ON CONFLICT (", kRollupKey, ") DO UPDATE SET ", sums,
                             ", time_to_conversion = coalesce(", sketch, ", rollup_cells.time_to_conversion)"});
        return out;
    }();
    return sql;
}

// An upsert of `rows` cells without a sketch to merge (clicks, referrals): each row binds 19 parameters from
// ?(19 × row + 1): the key, the version, the measures; a new cell's sketch is '', a stored one stays.
constexpr int kPlainRollupParameters = 6 + static_cast<int>(std::size(kMeasures));
std::string PlainRollupUpsert(int rows) {
    std::string sql = Concat({"INSERT INTO rollup_cells (", Rollup().columns, ") VALUES "});
    for (int row = 0; row < rows; ++row) {
        sql += row == 0 ? "(" : ", (";
        for (int p = 1; p <= kPlainRollupParameters; ++p)
            sql += "?" + std::to_string(row * kPlainRollupParameters + p) + ", ";
        sql += "'')";
    }
    const auto& upsert = Rollup().upsert;
    const auto conflict = upsert.find(" ON CONFLICT");
    sql += upsert.substr(conflict, upsert.find(", time_to_conversion = coalesce(") - conflict);
    return sql;
}

// One row of PlainRollupUpsert (or EpochRollupUpsert) whose parameters start after `offset`: the key, the
// version and the measures.
void BindPlainCell(Statement& upsert, int offset, const core::RollupDelta& d, std::int64_t version) {
    upsert.Bind(offset + 1, d.key.program_id.str()).Bind(offset + 2, std::int64_t{d.key.day});
    upsert.Bind(offset + 3, d.key.partner_id).Bind(offset + 4, d.key.link_id).Bind(offset + 5, d.key.source);
    upsert.Bind(offset + 6, version);
    int index = offset + kFirstMeasure;
    for (const auto& m : kMeasures) upsert.Bind(index++, d.add.*m.member);
}

// An epoch's upsert of `rows` cells (AddEpochRollups): PlainRollupUpsert's parameters and rolled_through after
// them, ?(20 × row + 1)..; a cell that already has the epoch (rolled_through >= the new one) is not updated.
constexpr int kEpochRollupParameters = kPlainRollupParameters + 1;
std::string EpochRollupUpsert(int rows) {
    std::string sql = Concat({"INSERT INTO rollup_cells (", Rollup().columns, ", rolled_through) VALUES "});
    for (int row = 0; row < rows; ++row) {
        sql += row == 0 ? "(" : ", (";
        for (int p = 1; p <= kPlainRollupParameters; ++p)
            sql += "?" + std::to_string(row * kEpochRollupParameters + p) + ", ";
        sql += "'', ?" + std::to_string(row * kEpochRollupParameters + kEpochRollupParameters) + ")";
    }
    const auto& upsert = Rollup().upsert;
    const auto conflict = upsert.find(" ON CONFLICT");
    sql += upsert.substr(conflict, upsert.find(", time_to_conversion = coalesce(") - conflict);
    sql += ", rolled_through = excluded.rolled_through WHERE rollup_cells.rolled_through < excluded.rolled_through";
    return sql;
}

// One cell of an epoch that carries a duration sketch (a sale's time to conversion): EpochRollupUpsert's
// parameters, then ?21 the merged sketch to store (read and merged in the same transaction).
constexpr int kEpochSketchParameter = kEpochRollupParameters + 1;
std::string EpochSketchRollupUpsert() {
    std::string sql = Concat({"INSERT INTO rollup_cells (", Rollup().columns, ", rolled_through) VALUES ("});
    for (int p = 1; p <= kPlainRollupParameters; ++p) sql += "?" + std::to_string(p) + ", ";
    sql += "?" + std::to_string(kEpochSketchParameter) + ", ?" + std::to_string(kEpochRollupParameters) + ")";
    const auto& upsert = Rollup().upsert;
    const auto conflict = upsert.find(" ON CONFLICT");
    sql += upsert.substr(conflict, upsert.find(", time_to_conversion = coalesce(") - conflict);
    sql +=
        ", time_to_conversion = excluded.time_to_conversion, rolled_through = excluded.rolled_through WHERE "
        "rollup_cells.rolled_through < excluded.rolled_through";
    return sql;
}

constexpr std::string_view kSelectRollupSketch =
    "SELECT time_to_conversion FROM rollup_cells WHERE program_id = ?1 AND day = ?2 AND partner_id = ?3 AND "
    "link_id = ?4 AND source = ?5";
constexpr std::string_view kSelectFunnelSketch =
    "SELECT time_in_stage FROM funnel_cells WHERE program_id = ?1 AND day = ?2 AND partner_id = ?3 AND "
    "link_id = ?4 AND source = ?5 AND stage = ?6";

constexpr std::string_view kFunnelColumns =
    "program_id, day, partner_id, link_id, source, stage, version, entered, moved_on, time_in_stage";
// Binds as BindKey, ?7 version, ?8 entered, ?9 moved_on, ?10 the sketch (NULL keeps the stored one).
constexpr std::string_view kFunnelUpsert =
    "INSERT INTO funnel_cells (program_id, day, partner_id, link_id, source, stage, version, entered, moved_on, "
    "time_in_stage) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, coalesce(?10, '')) "
    "ON CONFLICT (program_id, day, partner_id, link_id, source, stage) DO UPDATE SET version = excluded.version, "
    "entered = funnel_cells.entered + excluded.entered, moved_on = funnel_cells.moved_on + excluded.moved_on, "
    "time_in_stage = coalesce(?10, funnel_cells.time_in_stage)";

void BindKey(Statement& s, const core::RollupKey& k) {
    s.Bind(1, k.program_id.str()).Bind(2, std::int64_t{k.day}).Bind(3, k.partner_id).Bind(4, k.link_id);
    s.Bind(5, k.source);
}

void BindKey(Statement& s, const core::FunnelKey& k) {
    s.Bind(1, k.program_id.str()).Bind(2, std::int64_t{k.day}).Bind(3, k.partner_id).Bind(4, k.link_id);
    s.Bind(5, k.source).Bind(6, k.stage);
}

std::string CellFields(const core::RollupKey& k) {
    return "program=" + k.program_id.str() + " day=" + std::to_string(k.day) + " partner=" + k.partner_id +
           " link=" + k.link_id + " source=" + k.source;
}

std::string CellFields(const core::FunnelKey& k) {
    return "program=" + k.program_id.str() + " day=" + std::to_string(k.day) + " partner=" + k.partner_id +
           " link=" + k.link_id + " source=" + k.source + " stage=" + k.stage;
}

// A stored sketch that does not decode. The cell's key holds ids and names of the schema only, so the
// message may name it (kInternal never reaches a response).
template <class Key>
core::Error CorruptSketch(std::string_view table, std::string_view column, const Key& key) {
    const auto cell = CellFields(key);
    spdlog::error("event=corrupt_row table={} {} column={}", table, cell, column);
    return core::Error::Internal("the stored " + std::string(column) + " of the " + std::string(table) + " cell (" +
                                 cell + ") could not be read");
}

// The sketch text to store once `add` is added to the cell `select_sql` reads (by BindKey): nullopt when `add`
// is empty (the stored text stays as it is); otherwise the stored sketch, or none for a new cell, merged with
// `add`, whose weights may be negative. kInternal naming the cell when the stored text does not decode.
template <class Key>
Result<std::optional<std::string>> MergedSketch(Connection& conn, std::string_view select_sql, const Key& key,
                                                const core::DurationSketch& add, std::string_view table,
                                                std::string_view column) {
    if (add.empty()) return std::optional<std::string>();
    auto statement = conn.Prepare(select_sql);
    if (!statement) return core::Fail(statement.error());
    BindKey(*statement, key);
    auto row = statement->Step();
    if (!row) return core::Fail(row.error());
    core::DurationSketch merged;
    if (*row) {
        auto stored = core::DurationSketch::Decode(statement->Text(0));
        if (!stored) return core::Fail(CorruptSketch(table, column, key));
        merged = std::move(*stored);
    }
    merged.Merge(add);
    return std::optional<std::string>(merged.Encode());
}

void BindSketch(Statement& s, int index, const std::optional<std::string>& sketch) {
    if (sketch) {
        s.Bind(index, *sketch);
    } else {
        s.BindNull(index);
    }
}

Result<core::RollupCell> ReadRollupCell(const Statement& row) {
    core::RollupCell cell;
    cell.key = {core::ProgramId::FromTrusted(row.Text(0)), static_cast<core::Day>(row.Int(1)), row.Text(2), row.Text(3),
                row.Text(4)};
    cell.version = row.Int(5);
    int column = 6;
    for (const auto& m : kMeasures) cell.measures.*m.member = row.Int(column++);
    auto sketch = core::DurationSketch::Decode(row.Text(column));
    if (!sketch) return core::Fail(CorruptSketch("rollup_cells", "time_to_conversion", cell.key));
    cell.measures.time_to_conversion = std::move(*sketch);
    cell.rolled_through = row.Int(column + 1);
    return cell;
}

Result<core::FunnelCell> ReadFunnelCell(const Statement& row) {
    core::FunnelCell cell;
    cell.key = {core::ProgramId::FromTrusted(row.Text(0)),
                static_cast<core::Day>(row.Int(1)),
                row.Text(2),
                row.Text(3),
                row.Text(4),
                row.Text(5)};
    cell.version = row.Int(6);
    cell.measures.entered = row.Int(7);
    cell.measures.moved_on = row.Int(8);
    auto sketch = core::DurationSketch::Decode(row.Text(9));
    if (!sketch) return core::Fail(CorruptSketch("funnel_cells", "time_in_stage", cell.key));
    cell.measures.time_in_stage = std::move(*sketch);
    return cell;
}

// The FROM term of a walk over `table`'s cells of one program. Every cell (after_version 0): the primary key,
// already in key order. The cells written since a version: its (program_id, version) index, then a sort of
// only those; without statistics SQLite would scan every cell of the program by primary key instead.
std::string CellsOf(const Connection& conn, std::string_view table, std::int64_t after_version) {
    if (after_version <= 0) return std::string(table);
    return conn.ThroughIndex(table, Concat({table, "_version"}));
}

// Steps `statement` to its end, handing each row, decoded by `read`, to `fn`; stops at the first error of
// the statement, of `read` or of `fn`, and returns it.
template <class T, class Fn>
Result<void> Walk(Statement& statement, RowReader<T> read, const Fn& fn) {
    for (;;) {
        auto row = statement.Step();
        if (!row) return core::Fail(row.error());
        if (!*row) return {};
        auto item = read(statement);
        if (!item) return core::Fail(item.error());
        if (auto done = fn(*item); !done) return done;
    }
}

}  // namespace

// Each call is atomic: a failed call keeps none of its deltas, even when the transaction goes on. One delta
// is one upsert statement, atomic by itself; several run inside a savepoint.
Result<void> SqlTx::AddRollups(std::span<const core::RollupDelta> deltas, std::int64_t version) {
    if (!writable_) return core::Fail(core::Error::Internal(std::string(kReadOnlyTransaction)));
    if (conn_.RowsPerInsert() > 1 && deltas.size() > 1) return AddRollupsInRows(deltas, version);
    auto add = [&](const core::RollupDelta& delta) -> Result<void> {
        auto sketch = MergedSketch(conn_, kSelectRollupSketch, delta.key, delta.add.time_to_conversion, "rollup_cells",
                                   "time_to_conversion");
        if (!sketch) return core::Fail(sketch.error());
        auto upsert = conn_.Prepare(Rollup().upsert);
        if (!upsert) return core::Fail(upsert.error());
        BindKey(*upsert, delta.key);
        upsert->Bind(6, version);
        int index = kFirstMeasure;
        for (const auto& m : kMeasures) upsert->Bind(index++, delta.add.*m.member);
        BindSketch(*upsert, kRollupSketch, *sketch);
        return upsert->Run();
    };
    if (deltas.empty()) return {};
    if (deltas.size() == 1) return add(deltas.front());
    return Atomically(conn_, [&]() -> Result<void> {
        for (const auto& delta : deltas) {
            if (auto ok = add(delta); !ok) return ok;
        }
        return {};
    });
}

// Where each statement is a round trip (PostgreSQL): the deltas of one key added up first (one statement may
// touch a cell once only), the cells without a sketch upserted RowsPerInsert() at a time, the others one by one
// (their sketch merges with the stored one in C++); all inside one savepoint.
Result<void> SqlTx::AddRollupsInRows(std::span<const core::RollupDelta> deltas, std::int64_t version) {
    std::map<core::RollupKey, core::Measures> cells;
    for (const auto& d : deltas) cells[d.key] += d.add;
    std::vector<core::RollupDelta> plain;
    std::vector<core::RollupDelta> sketched;
    for (auto& [key, add] : cells) (add.time_to_conversion.empty() ? plain : sketched).push_back({key, std::move(add)});
    return Atomically(conn_, [&]() -> Result<void> {
        const std::size_t per = static_cast<std::size_t>(conn_.RowsPerInsert());
        for (std::size_t at = 0; at < plain.size(); at += per) {
            const std::size_t rows = std::min(per, plain.size() - at);
            auto upsert = conn_.Prepare(PlainRollupUpsert(static_cast<int>(rows)));
            if (!upsert) return core::Fail(upsert.error());
            for (std::size_t row = 0; row < rows; ++row) {
                BindPlainCell(*upsert, static_cast<int>(row) * kPlainRollupParameters, plain[at + row], version);
            }
            if (auto ok = upsert->Run(); !ok) return ok;
        }
        for (const auto& d : sketched) {
            if (auto ok = AddRollups(std::span(&d, 1), version); !ok) return ok;
        }
        return {};
    });
}

Result<void> SqlTx::AddFunnelRollups(std::span<const core::FunnelDelta> deltas, std::int64_t version) {
    if (!writable_) return core::Fail(core::Error::Internal(std::string(kReadOnlyTransaction)));
    auto add = [&](const core::FunnelDelta& delta) -> Result<void> {
        auto sketch = MergedSketch(conn_, kSelectFunnelSketch, delta.key, delta.add.time_in_stage, "funnel_cells",
                                   "time_in_stage");
        if (!sketch) return core::Fail(sketch.error());
        auto upsert = conn_.Prepare(kFunnelUpsert);
        if (!upsert) return core::Fail(upsert.error());
        BindKey(*upsert, delta.key);
        upsert->Bind(7, version).Bind(8, delta.add.entered).Bind(9, delta.add.moved_on);
        BindSketch(*upsert, 10, *sketch);
        return upsert->Run();
    };
    if (deltas.empty()) return {};
    if (deltas.size() == 1) return add(deltas.front());
    return Atomically(conn_, [&]() -> Result<void> {
        for (const auto& delta : deltas) {
            if (auto ok = add(delta); !ok) return ok;
        }
        return {};
    });
}

Result<void> SqlTx::ForEachRollup(const core::ProgramId& program_id, std::int64_t after_version, const RollupFn& fn) {
    auto statement = conn_.Prepare(
        Concat({"SELECT ", Rollup().columns, ", rolled_through FROM ", CellsOf(conn_, "rollup_cells", after_version),
                " WHERE program_id = ?1 AND version > ?2 ORDER BY ", kRollupKey}));
    if (!statement) return core::Fail(statement.error());
    statement->Bind(1, program_id.str()).Bind(2, after_version);
    return Walk(*statement, &ReadRollupCell, fn);
}

Result<void> SqlTx::ForEachFunnelRollup(const core::ProgramId& program_id, std::int64_t after_version,
                                        const FunnelFn& fn) {
    auto statement =
        conn_.Prepare(Concat({"SELECT ", kFunnelColumns, " FROM ", CellsOf(conn_, "funnel_cells", after_version),
                              " WHERE program_id = ?1 AND version > ?2 ORDER BY ", kFunnelKey}));
    if (!statement) return core::Fail(statement.error());
    statement->Bind(1, program_id.str()).Bind(2, after_version);
    return Walk(*statement, &ReadFunnelCell, fn);
}

Result<void> SqlTx::DeleteRollups(const core::ProgramId& program_id) {
    if (!writable_) return core::Fail(core::Error::Internal(std::string(kReadOnlyTransaction)));
    return Atomically(conn_, [&]() -> Result<void> {
        const auto bind = [&](Statement& s) { s.Bind(1, program_id.str()); };
        if (auto ok = Write("DELETE FROM rollup_cells WHERE program_id = ?1", bind, {}); !ok) return ok;
        return Write("DELETE FROM funnel_cells WHERE program_id = ?1", bind, {});
    });
}

namespace {

// One delta per key, in key order: what DeltasOf would make of the list.
bool StrictlyInKeyOrder(std::span<const core::RollupDelta> deltas) {
    return std::adjacent_find(deltas.begin(), deltas.end(), [](const core::RollupDelta& a, const core::RollupDelta& b) {
               return !(a.key < b.key);
           }) == deltas.end();
}

// A pending row's deltas as text: one line per delta, its day, partner, link and source, then the measures of
// kMeasures, tab-separated (ids and sources hold no tabs or newlines: core validates them), then, when the
// delta has one, its duration sketch (DurationSketch::Encode: digits, ':', ';' and '-'). Rows written before
// sales left their cells pending have no sketch field; they still decode.
std::string EncodePendingDeltas(std::span<const core::RollupDelta> deltas) {
    std::string out;
    out.reserve(deltas.size() * 96);
    for (const auto& d : deltas) {
        out += std::to_string(d.key.day);
        for (const std::string* text : {&d.key.partner_id, &d.key.link_id, &d.key.source}) {
            out += '\t';
            out += *text;
        }
        for (const auto& m : kMeasures) {
            out += '\t';
            out += std::to_string(d.add.*m.member);
        }
        if (!d.add.time_to_conversion.empty()) {
            out += '\t';
            out += d.add.time_to_conversion.Encode();
        }
        out += '\n';
    }
    return out;
}

std::optional<std::int64_t> ParseInt(std::string_view text) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::optional<std::vector<core::RollupDelta>> DecodePendingDeltas(const core::ProgramId& program_id,
                                                                  std::string_view text) {
    constexpr std::size_t kFields = 4 + std::size(kMeasures);  // and the sketch, when the delta has one
    std::vector<core::RollupDelta> out;
    while (!text.empty()) {
        const auto eol = text.find('\n');
        if (eol == std::string_view::npos) return std::nullopt;
        std::string_view line = text.substr(0, eol);
        text.remove_prefix(eol + 1);
        std::string_view fields[kFields + 1];
        std::size_t count = 0;
        for (bool more = true; more;) {
            if (count == std::size(fields)) return std::nullopt;
            const auto tab = line.find('\t');
            more = tab != std::string_view::npos;
            fields[count++] = line.substr(0, tab);
            line.remove_prefix(more ? tab + 1 : line.size());
        }
        if (count < kFields) return std::nullopt;
        core::RollupDelta d;
        const auto day = ParseInt(fields[0]);
        if (!day) return std::nullopt;
        d.key = {program_id, static_cast<core::Day>(*day), std::string(fields[1]), std::string(fields[2]),
                 std::string(fields[3])};
        for (std::size_t i = 0; i < std::size(kMeasures); ++i) {
            const auto value = ParseInt(fields[4 + i]);
            if (!value) return std::nullopt;
            d.add.*kMeasures[i].member = *value;
        }
        if (count > kFields) {
            auto sketch = core::DurationSketch::Decode(fields[kFields]);
            if (!sketch || sketch->empty()) return std::nullopt;
            d.add.time_to_conversion = std::move(*sketch);
        }
        out.push_back(std::move(d));
    }
    return out;
}

constexpr ConstraintError kPendingConstraints[] = {
    {"rollup_pending.program_id, rollup_pending.seq", core::ErrorCode::kConflict, kPendingRollupsTaken},
};

}  // namespace

Result<void> SqlTx::AddPendingRollups(const core::ProgramId& program_id, std::int64_t seq,
                                      std::span<const core::RollupDelta> deltas) {
    if (!writable_) return core::Fail(core::Error::Internal(std::string(kReadOnlyTransaction)));
    for (const auto& gathered : gathered_pending_) {
        if (gathered.program_id == program_id && gathered.seq == seq) {
            return core::Fail(core::Error::Conflict(std::string(kPendingRollupsTaken)));
        }
    }
    gathered_pending_.push_back({program_id, seq, {deltas.begin(), deltas.end()}});
    return {};
}

Result<void> SqlTx::Flush() {
    if (gathered_pending_.empty()) return {};
    // The rows leave the list before they are written: a failure leaves this transaction uncommittable, so that
    // requests whose rows were gathered never commit without them.
    auto failed = [this](core::Error error) {
        if (!broken_) broken_ = error;
        return core::Fail(std::move(error));
    };
    auto gathered = std::move(gathered_pending_);
    gathered_pending_.clear();
    ++pending_flushes_;
    // Per program, in the order first gathered: the highest seq, and the lists of deltas gathered.
    std::vector<core::ProgramId> order;
    std::map<core::ProgramId, std::pair<std::int64_t, std::vector<const GatheredPending*>>> rows;
    for (const auto& g : gathered) {
        auto [row, fresh] = rows.try_emplace(g.program_id, g.seq, std::vector<const GatheredPending*>{});
        if (fresh) order.push_back(g.program_id);
        row->second.first = std::max(row->second.first, g.seq);
        row->second.second.push_back(&g);
    }
    for (const auto& program_id : order) {
        const auto& [seq, parts] = rows.at(program_id);
        // A click batch's one list per program comes added up and in key order already: written as it is.
        const std::vector<core::RollupDelta>* deltas = &parts.front()->deltas;
        std::vector<core::RollupDelta> summed;
        if (parts.size() != 1 || !StrictlyInKeyOrder(*deltas)) {
            core::RollupSums sums;
            for (const auto* part : parts) core::AddTo(sums, part->deltas);
            summed = core::DeltasOf(std::move(sums));
            deltas = &summed;
        }
        auto written = Write(
            "INSERT INTO rollup_pending (program_id, seq, deltas) VALUES (?1, ?2, ?3)",
            [&](Statement& s) { s.Bind(1, program_id.str()).Bind(2, seq).Bind(3, EncodePendingDeltas(*deltas)); },
            kPendingConstraints);
        if (!written) return failed(written.error());
    }
    return {};
}

Result<std::vector<core::PendingRollups>> SqlTx::ListPendingRollups(const core::ProgramId& program_id,
                                                                    std::int64_t after_seq, std::int64_t through_seq,
                                                                    int limit) {
    // A writer takes the program first (on PostgreSQL, its lock): then no other transaction adds or removes
    // the program's pending rows until this one ends, so the rows read are the rows it may delete.
    if (auto owned = Own(program_id); !owned) return core::Fail(owned.error());
    if (auto flushed = Flush(); !flushed) return core::Fail(flushed.error());
    auto statement = conn_.Prepare(
        "SELECT seq, deltas FROM rollup_pending WHERE program_id = ?1 AND seq > ?4 AND seq <= ?3 ORDER BY seq "
        "LIMIT ?2");
    if (!statement) return core::Fail(statement.error());
    statement->Bind(1, program_id.str())
        .Bind(2, std::int64_t{std::max(limit, 0)})
        .Bind(3, through_seq)
        .Bind(4, after_seq);
    std::vector<core::PendingRollups> out;
    for (;;) {
        auto row = statement->Step();
        if (!row) return core::Fail(row.error());
        if (!*row) return out;
        const std::int64_t seq = statement->Int(0);
        auto deltas = DecodePendingDeltas(program_id, statement->Text(1));
        if (!deltas) {
            spdlog::error("event=corrupt_row table=rollup_pending program={} seq={} column=deltas", program_id.str(),
                          seq);
            return core::Fail(core::Error::Internal("the pending rollups of program " + program_id.str() + " at seq " +
                                                    std::to_string(seq) + " could not be read"));
        }
        out.push_back({seq, std::move(*deltas)});
    }
}

Result<void> SqlTx::DeletePendingRollups(const core::ProgramId& program_id, std::int64_t through_seq) {
    if (auto flushed = Flush(); !flushed) return flushed;
    return Write("DELETE FROM rollup_pending WHERE program_id = ?1 AND seq <= ?2",
                 [&](Statement& s) { s.Bind(1, program_id.str()).Bind(2, through_seq); }, {});
}

Result<std::optional<std::int64_t>> SqlTx::GetRollupEpoch(const core::ProgramId& program_id) {
    if (auto owned = Own(program_id); !owned) return core::Fail(owned.error());
    auto statement = conn_.Prepare("SELECT through_seq FROM rollup_epochs WHERE program_id = ?1");
    if (!statement) return core::Fail(statement.error());
    statement->Bind(1, program_id.str());
    auto row = statement->Step();
    if (!row) return core::Fail(row.error());
    if (!*row) return std::optional<std::int64_t>();
    return std::optional(statement->Int(0));
}

Result<void> SqlTx::SetRollupEpoch(const core::ProgramId& program_id, std::optional<std::int64_t> through_seq) {
    if (!through_seq) {
        return Write("DELETE FROM rollup_epochs WHERE program_id = ?1",
                     [&](Statement& s) { s.Bind(1, program_id.str()); }, {});
    }
    return Write(
        "INSERT INTO rollup_epochs (program_id, through_seq) VALUES (?1, ?2) ON CONFLICT (program_id) DO UPDATE SET "
        "through_seq = excluded.through_seq",
        [&](Statement& s) { s.Bind(1, program_id.str()).Bind(2, *through_seq); }, {});
}

Result<void> SqlTx::AddEpochRollups(std::span<const core::RollupDelta> deltas, std::int64_t version,
                                    std::int64_t through_seq) {
    if (!writable_) return core::Fail(core::Error::Internal(std::string(kReadOnlyTransaction)));
    // Cells without a sketch to merge (clicks, most of a sale's) go in multi-row upserts; a cell with one has its
    // stored sketch merged in C++ (MergedSketch, as AddRollups does) and is written by itself. The upsert's
    // rolled_through guard leaves a cell that has the epoch already as it is, sketch included.
    std::vector<const core::RollupDelta*> plain;
    std::vector<const core::RollupDelta*> sketched;
    for (const auto& d : deltas) (d.add.time_to_conversion.empty() ? plain : sketched).push_back(&d);
    auto write_sketched = [&](const core::RollupDelta& d) -> Result<void> {
        auto merged = MergedSketch(conn_, kSelectRollupSketch, d.key, d.add.time_to_conversion, "rollup_cells",
                                   "time_to_conversion");
        if (!merged) return core::Fail(merged.error());
        auto upsert = conn_.Prepare(EpochSketchRollupUpsert());
        if (!upsert) return core::Fail(upsert.error());
        BindPlainCell(*upsert, 0, d, version);
        upsert->Bind(kEpochRollupParameters, through_seq).Bind(kEpochSketchParameter, **merged);
        return upsert->Run();
    };
    auto write = [&]() -> Result<void> {
        const std::size_t per = static_cast<std::size_t>(std::max(conn_.RowsPerInsert(), 1));
        for (std::size_t at = 0; at < plain.size(); at += per) {
            const std::size_t rows = std::min(per, plain.size() - at);
            auto upsert = conn_.Prepare(EpochRollupUpsert(static_cast<int>(rows)));
            if (!upsert) return core::Fail(upsert.error());
            for (std::size_t row = 0; row < rows; ++row) {
                const int o = static_cast<int>(row) * kEpochRollupParameters;
                BindPlainCell(*upsert, o, *plain[at + row], version);
                upsert->Bind(o + kEpochRollupParameters, through_seq);
            }
            if (auto ok = upsert->Run(); !ok) return ok;
        }
        for (const auto* d : sketched) {
            if (auto ok = write_sketched(*d); !ok) return ok;
        }
        return {};
    };
    if (sketched.empty() && plain.size() <= static_cast<std::size_t>(std::max(conn_.RowsPerInsert(), 1))) {
        return write();
    }
    return Atomically(conn_, write);
}

Result<std::vector<core::ProgramId>> SqlTx::ListProgramsWithPendingRollups() {
    if (auto flushed = Flush(); !flushed) return core::Fail(flushed.error());
    auto statement = conn_.Prepare("SELECT DISTINCT program_id FROM rollup_pending ORDER BY program_id");
    if (!statement) return core::Fail(statement.error());
    std::vector<core::ProgramId> out;
    for (;;) {
        auto row = statement->Step();
        if (!row) return core::Fail(row.error());
        if (!*row) return out;
        auto id = core::ProgramId::Parse(statement->Text(0));
        if (!id) return core::Fail(core::Error::Internal("rollup_pending holds a malformed program id"));
        out.push_back(std::move(*id));
    }
}

Result<void> SqlTx::ForEachReferral(const core::ProgramId& program_id,
                                    const std::function<Result<void>(const core::Referral&)>& fn) {
    // In (program_id, id) order: the UNIQUE (program_id, id) index serves it without sorting.
    auto statement =
        conn_.Prepare(Concat({"SELECT ", kReferralColumns, " FROM referrals WHERE program_id = ?1 ORDER BY id"}));
    if (!statement) return core::Fail(statement.error());
    statement->Bind(1, program_id.str());
    return Walk(*statement, &ReadReferral, fn);
}

Result<void> SqlTx::ForEachConversion(const core::ProgramId& program_id,
                                      const std::function<Result<void>(const core::Conversion&)>& fn) {
    auto statement =
        conn_.Prepare(Concat({"SELECT ", kConversionColumns, " FROM conversions WHERE program_id = ?1 ORDER BY id"}));
    if (!statement) return core::Fail(statement.error());
    statement->Bind(1, program_id.str());
    return Walk(*statement, &ReadConversion, fn);
}

}  // namespace rt::storage::sql
