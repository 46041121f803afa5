#pragma once

#include <sqlite3.h>

#include <span>
#include <string_view>

#include "core/error.hpp"

namespace rt::storage::sqlite {

// How a statement reports a constraint it may violate, in words for the caller.
struct ConstraintError {
    // The columns as SQLite names a UNIQUE or PRIMARY KEY violation ("links.code",
    // "partners.program_id, partners.email"), or kForeignKey for any foreign key violation.
    std::string_view columns;
    core::ErrorCode code;
    std::string_view message;
};

inline constexpr std::string_view kForeignKey = "FOREIGN KEY";

// The error for a failed SQLite call `rc` on `db`: kUnavailable for BUSY/LOCKED; the matching entry of
// `constraints` for a constraint violation (a generic kConflict for an unlisted uniqueness or foreign
// key one); kInternal otherwise. SQLite's own message is logged, never returned. `sql` names the
// statement in the log.
core::Error ErrorFrom(sqlite3* db, int rc, std::string_view sql, std::span<const ConstraintError> constraints = {});

}  // namespace rt::storage::sqlite
