#include "storage/sqlite/migrations.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace rt::storage::sqlite {

namespace {

// Every table but api_keys leads with program_id in its secondary keys: it becomes the distribution
// column on a Citus cluster. Ids sort by creation time, so (…, id) indexes serve the newest-first lists.
// Times are unix milliseconds; enums are their core::ToString forms; lists are JSON arrays.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE programs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    destination_domains TEXT NOT NULL,
    attribution_model TEXT NOT NULL,
    attribution_window_days INTEGER NOT NULL,
    stages TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE partners (
    id TEXT PRIMARY KEY,
    program_id TEXT NOT NULL REFERENCES programs (id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    status TEXT NOT NULL,
    partner_group TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (program_id, id),
    UNIQUE (program_id, email)
) STRICT;

CREATE TABLE links (
    id TEXT PRIMARY KEY,
    program_id TEXT NOT NULL,
    partner_id TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    destination TEXT NOT NULL,
    campaign TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    FOREIGN KEY (program_id, partner_id) REFERENCES partners (program_id, id)
) STRICT;
CREATE INDEX links_program_id ON links (program_id, id);
CREATE INDEX links_partner_id ON links (partner_id, id);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX api_keys_name ON api_keys (name);
)sql";

constexpr Migration kMigrations[] = {
    {1, kSchemaV1},
};

constexpr std::string_view kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)";

std::int64_t NowUnixMs() {
    const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    return std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count();
}

core::Error NewerThanBinary(int version) {
    return core::Error::Conflict("database schema version " + std::to_string(version) +
                                 " is newer than this reftrack supports (" + std::to_string(LatestSchemaVersion()) +
                                 "); upgrade reftrack");
}

// Applies `migration` unless the database already has it, inside one IMMEDIATE transaction.
Result<void> ApplyOne(Connection& conn, const Migration& migration) {
    auto tx = Transaction::Begin(conn, "BEGIN IMMEDIATE");
    if (!tx) return core::Fail(tx.error());
    if (auto ok = conn.ExecScript(kCreateMigrationsTable); !ok) return ok;
    auto current = ReadSchemaVersion(conn);
    if (!current) return core::Fail(current.error());
    if (*current > LatestSchemaVersion()) return core::Fail(NewerThanBinary(*current));
    if (*current >= migration.version) return {};

    if (auto ok = conn.ExecScript(migration.sql); !ok) return ok;
    auto record = conn.Prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)");
    if (!record) return core::Fail(record.error());
    record->Bind(1, std::int64_t{migration.version}).Bind(2, NowUnixMs());
    if (auto ok = record->Run(); !ok) return ok;
    if (auto ok = tx->Commit(); !ok) return ok;
    spdlog::info("event=schema_migrated backend=sqlite version={}", migration.version);
    return {};
}

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int LatestSchemaVersion() { return Migrations().back().version; }

Result<int> ReadSchemaVersion(Connection& conn) {
    auto exists =
        conn.Prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'");
    if (!exists) return core::Fail(exists.error());
    auto row = exists->Step();
    if (!row) return core::Fail(row.error());
    if (!*row || exists->Int(0) == 0) return 0;

    auto max_version = conn.Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (!max_version) return core::Fail(max_version.error());
    row = max_version->Step();
    if (!row) return core::Fail(row.error());
    return *row ? static_cast<int>(max_version->Int(0)) : 0;
}

Result<int> ApplyMigrations(Connection& conn) {
    for (const auto& migration : Migrations()) {
        if (auto ok = ApplyOne(conn, migration); !ok) return core::Fail(ok.error());
    }
    return ReadSchemaVersion(conn);
}

}  // namespace rt::storage::sqlite
