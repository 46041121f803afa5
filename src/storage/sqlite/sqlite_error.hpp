#pragma once

#include <sqlite3.h>

#include <span>
#include <string_view>

#include "core/error.hpp"
#include "storage/sql/connection.hpp"

namespace rt::storage::sqlite {

using sql::ConstraintError;
using sql::kForeignKey;

// The error for a failed SQLite call `rc` on `db`: kUnavailable for BUSY/LOCKED; the matching entry of
// `constraints` for a constraint violation (a generic kConflict for an unlisted uniqueness or foreign
// key one); kInternal otherwise. SQLite's own message is logged, never returned. `sql` names the
// statement in the log.
core::Error ErrorFrom(sqlite3* db, int rc, std::string_view sql, std::span<const ConstraintError> constraints = {});

}  // namespace rt::storage::sqlite
