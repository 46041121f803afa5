#include "storage/sql/migrate.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace rt::storage::sql {

namespace {

std::int64_t NowUnixMs() {
    const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    return std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count();
}

core::Error NewerThanBinary(int version, int latest) {
    return core::Error::Conflict("database schema version " + std::to_string(version) +
                                 " is newer than this reftrack supports (" + std::to_string(latest) +
                                 "); upgrade reftrack");
}

// Applies `migration` unless the database already has it, inside one transaction.
Result<void> ApplyOne(Connection& conn, const MigrationPlan& plan, const Migration& migration) {
    auto tx = Transaction::Begin(conn, plan.begin);
    if (!tx) return core::Fail(tx.error());
    if (!plan.lock.empty()) {
        if (auto ok = conn.ExecScript(plan.lock); !ok) return ok;
    }
    if (auto ok = conn.ExecScript(plan.create_table); !ok) return ok;
    auto current = ReadSchemaVersion(conn, plan);
    if (!current) return core::Fail(current.error());
    if (*current > LatestVersion(plan)) return core::Fail(NewerThanBinary(*current, LatestVersion(plan)));
    if (*current >= migration.version) return {};

    if (auto ok = conn.ExecScript(migration.sql); !ok) return ok;
    auto record = conn.Prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)");
    if (!record) return core::Fail(record.error());
    record->Bind(1, std::int64_t{migration.version}).Bind(2, NowUnixMs());
    if (auto ok = record->Run(); !ok) return ok;
    if (auto ok = tx->Commit(); !ok) return ok;
    spdlog::info("event=schema_migrated backend={} version={}", plan.backend, migration.version);
    return {};
}

}  // namespace

Result<int> ReadSchemaVersion(Connection& conn, const MigrationPlan& plan) {
    auto exists = conn.Prepare(plan.table_exists);
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

Result<int> ApplyMigrations(Connection& conn, const MigrationPlan& plan) {
    for (const auto& migration : plan.migrations) {
        if (auto ok = ApplyOne(conn, plan, migration); !ok) return core::Fail(ok.error());
    }
    return ReadSchemaVersion(conn, plan);
}

}  // namespace rt::storage::sql
