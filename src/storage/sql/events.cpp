// The ledger's rows: SqlTx's event methods.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "storage/sql/rows.hpp"
#include "storage/sql/sql_tx.hpp"
#include "storage/store_rules.hpp"

namespace rt::storage::sql {

namespace {

constexpr ConstraintError kEventConstraints[] = {
    {"events.program_id, events.seq", core::ErrorCode::kConflict, kEventSeqTaken},
    {"events.id", core::ErrorCode::kConflict, kEventIdTaken},
    {kForeignKey, core::ErrorCode::kNotFound, kEventProgramMissing},
};

constexpr std::string_view kEventColumns = "program_id, seq, id, type, subject_id, at, payload, prev_hash, hash";

Result<core::Event> ReadEvent(const Statement& row) {
    core::Event e;
    e.program_id = core::ProgramId::FromTrusted(row.Text(0));
    e.seq = row.Int(1);
    e.id = core::EventId::FromTrusted(row.Text(2));
    e.type = row.Text(3);
    e.subject_id = row.Text(4);
    e.at = {row.Int(5)};
    const auto pairs = nlohmann::json::parse(row.Text(6), nullptr, false);
    if (!pairs.is_array()) {
        spdlog::error("event=corrupt_row table=events id={}", e.id.str());
        return core::Fail(core::Error::Internal("a stored event could not be read"));
    }
    for (const auto& pair : pairs) {
        if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
            spdlog::error("event=corrupt_row table=events id={}", e.id.str());
            return core::Fail(core::Error::Internal("a stored event could not be read"));
        }
        e.payload.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
    }
    e.prev_hash = row.Text(7);
    e.hash = row.Text(8);
    return e;
}

}  // namespace

std::string EncodeEventPayload(const core::Event& event) {
    const bool utf8 = std::all_of(event.payload.begin(), event.payload.end(), [](const auto& pair) {
        return core::IsValidUtf8(pair.first) && core::IsValidUtf8(pair.second);
    });
    if (!utf8) {  // nlohmann's replacement of the bytes that are not UTF-8
        nlohmann::json pairs = nlohmann::json::array();
        for (const auto& [key, value] : event.payload) pairs.push_back({key, value});
        return pairs.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    std::string out;
    std::size_t size = 2;
    for (const auto& [key, value] : event.payload) size += key.size() + value.size() + 8;
    out.reserve(size);
    out += '[';
    for (const auto& [key, value] : event.payload) {
        if (out.size() > 1) out += ',';
        out += '[';
        core::AppendJsonString(out, key);
        out += ',';
        core::AppendJsonString(out, value);
        out += ']';
    }
    out += ']';
    return out;
}

Result<void> SqlTx::AppendEvent(const core::Event& event) {
    if (auto owned = Own(event.program_id); !owned) return owned;
    const std::string sql =
        "INSERT INTO events (" + std::string(kEventColumns) + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
    auto written = Write(
        sql,
        [&](Statement& s) {
            s.Bind(1, event.program_id.str()).Bind(2, event.seq).Bind(3, event.id.str()).Bind(4, event.type);
            s.Bind(5, event.subject_id).Bind(6, event.at.unix_ms).Bind(7, EncodeEventPayload(event));
            s.Bind(8, event.prev_hash).Bind(9, event.hash);
        },
        kEventConstraints);
    if (written) last_events_.insert_or_assign(event.program_id, event);
    return written;
}

Result<std::optional<core::Event>> SqlTx::LastEvent(const core::ProgramId& program_id) {
    if (auto it = last_events_.find(program_id); it != last_events_.end()) return std::optional(it->second);
    if (auto owned = Own(program_id); !owned) return core::Fail(owned.error());
    auto statement = conn_.Prepare("SELECT " + std::string(kEventColumns) +
                                   " FROM events WHERE program_id = ?1 ORDER BY seq DESC LIMIT 1");
    if (!statement) return core::Fail(statement.error());
    statement->Bind(1, program_id.str());
    auto row = statement->Step();
    if (!row) return core::Fail(row.error());
    if (!*row) return std::optional<core::Event>();
    auto event = ReadEvent(*statement);
    if (!event) return core::Fail(event.error());
    return std::optional<core::Event>(std::move(*event));
}

Result<std::vector<core::Event>> SqlTx::ListEvents(const core::ProgramId& program_id, std::int64_t after_seq,
                                                   int limit) {
    auto statement = conn_.Prepare("SELECT " + std::string(kEventColumns) +
                                   " FROM events WHERE program_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3");
    if (!statement) return core::Fail(statement.error());
    statement->Bind(1, program_id.str()).Bind(2, after_seq).Bind(3, std::int64_t{std::clamp(limit, 1, kMaxEventPage)});
    std::vector<core::Event> out;
    for (;;) {
        auto row = statement->Step();
        if (!row) return core::Fail(row.error());
        if (!*row) break;
        auto event = ReadEvent(*statement);
        if (!event) return core::Fail(event.error());
        out.push_back(std::move(*event));
    }
    return out;
}

}  // namespace rt::storage::sql
