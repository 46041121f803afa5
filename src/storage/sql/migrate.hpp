#pragma once

#include <span>
#include <string_view>

#include "core/error.hpp"
#include "storage/sql/connection.hpp"

// Applying a backend's schema migrations, the same way on SQLite and PostgreSQL: each migration in a transaction
// of its own together with its schema_migrations row, skipped when the database already has it.
namespace rt::storage::sql {

struct Migration {
    int version;
    std::string_view sql;  // one or more statements
};

// What differs between the backends.
struct MigrationPlan {
    std::string_view backend;               // "sqlite", "postgresql" (logs)
    std::span<const Migration> migrations;  // ascending versions from 1; never edited once released
    std::string_view begin;                 // the statement that begins a migration's transaction
    std::string_view lock;                  // run first in that transaction ("" for none): one migrator at a time
    std::string_view create_table;          // CREATE TABLE IF NOT EXISTS schema_migrations (…)
    std::string_view table_exists;          // one row, one integer: 1 when schema_migrations exists, else 0
};

inline int LatestVersion(const MigrationPlan& plan) { return plan.migrations.back().version; }

// The newest version recorded in schema_migrations; 0 when the database has no such table.
Result<int> ReadSchemaVersion(Connection& conn, const MigrationPlan& plan);

// Applies, in order, every migration newer than the database; returns the resulting version. Idempotent, and
// safe against another process migrating the same database (the plan's begin and lock serialise migrators).
// kConflict, naming both versions, when the database is newer than this binary. Precondition: `conn` is not in
// a transaction.
Result<int> ApplyMigrations(Connection& conn, const MigrationPlan& plan);

}  // namespace rt::storage::sql
