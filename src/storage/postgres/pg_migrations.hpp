#pragma once

#include <span>
#include <string_view>

#include "core/error.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "storage/sql/migrate.hpp"

// The PostgreSQL schema, as versioned migrations compiled into the binary: the same versions as SQLite's
// (storage/sqlite/migrations.hpp), in PostgreSQL's dialect. A migration is never edited once released.
namespace rt::storage::postgres {

using sql::Migration;

// Every migration, in ascending version order, starting at 1.
std::span<const Migration> Migrations();
int LatestSchemaVersion();

// The newest version recorded in schema_migrations; 0 when the database has no such table.
Result<int> ReadSchemaVersion(PgConnection& conn);

// Applies, in order, every migration newer than the database, each in its own transaction together with its
// schema_migrations row, under an advisory lock: nodes that start together migrate once. Returns the resulting
// version; kConflict, naming both versions, when the database is newer than this binary.
Result<int> ApplyMigrations(PgConnection& conn);

}  // namespace rt::storage::postgres
