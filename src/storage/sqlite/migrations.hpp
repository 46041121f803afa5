#pragma once

#include <span>
#include <string_view>

#include "core/error.hpp"
#include "storage/sql/migrate.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

// The SQLite schema, as versioned migrations compiled into the binary. A migration is never edited once
// released: a change to the schema is a new migration with the next version.
namespace rt::storage::sqlite {

using sql::Migration;

// Every migration, in ascending version order, starting at 1.
std::span<const Migration> Migrations();
int LatestSchemaVersion();

// The newest version recorded in schema_migrations; 0 when the database has no such table.
Result<int> ReadSchemaVersion(Connection& conn);

// Applies, in order, every migration newer than the database, each in its own IMMEDIATE transaction together
// with its schema_migrations row; returns the resulting version. Idempotent, and safe against another
// process migrating the same file. kConflict, naming both versions, when the database is newer than
// this binary. Precondition: `conn` is a writer connection not in a transaction.
Result<int> ApplyMigrations(Connection& conn);

}  // namespace rt::storage::sqlite
