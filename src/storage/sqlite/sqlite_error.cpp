#include "storage/sqlite/sqlite_error.hpp"

#include <spdlog/spdlog.h>

#include <string>

namespace rt::storage::sqlite {

namespace {

constexpr std::string_view kUniqueFailed = "UNIQUE constraint failed: ";

// The entry of `constraints` that names the violation SQLite reported, or nullptr.
const ConstraintError* FindConstraint(int extended_rc, std::string_view message,
                                      std::span<const ConstraintError> constraints) {
    std::string_view columns;
    if (extended_rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
        columns = kForeignKey;
    } else if (message.starts_with(kUniqueFailed)) {
        columns = message.substr(kUniqueFailed.size());
    } else {
        return nullptr;
    }
    for (const auto& c : constraints) {
        if (c.columns == columns) return &c;
    }
    return nullptr;
}

bool IsUniquenessOrReference(int extended_rc) {
    return extended_rc == SQLITE_CONSTRAINT_UNIQUE || extended_rc == SQLITE_CONSTRAINT_PRIMARYKEY ||
           extended_rc == SQLITE_CONSTRAINT_FOREIGNKEY;
}

}  // namespace

core::Error ErrorFrom(sqlite3* db, int rc, std::string_view sql, std::span<const ConstraintError> constraints) {
    const int primary = rc & 0xff;
    const int extended = db != nullptr ? sqlite3_extended_errcode(db) : rc;
    const std::string_view message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
        spdlog::warn("event=sqlite_busy rc={} sql=\"{}\"", extended, sql);
        return core::Error::Unavailable("the database is busy; try again");
    }
    if (primary == SQLITE_CONSTRAINT) {
        if (const auto* known = FindConstraint(extended, message, constraints)) {
            return {known->code, std::string(known->message)};
        }
        if (IsUniquenessOrReference(extended)) {
            spdlog::warn("event=sqlite_unlisted_constraint rc={} message=\"{}\" sql=\"{}\"", extended, message, sql);
            return core::Error::Conflict("the change conflicts with existing data");
        }
    }
    spdlog::error("event=sqlite_error rc={} message=\"{}\" sql=\"{}\"", extended, message, sql);
    return core::Error::Internal("the database failed; see the server log");
}

}  // namespace rt::storage::sqlite
