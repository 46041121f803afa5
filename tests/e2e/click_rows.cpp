#include "click_rows.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

namespace rt::testing {

std::vector<ClickRow> ClickRows::Query(const std::string& sql, const std::vector<std::string>& params) const {
    std::vector<ClickRow> out;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(db_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        ADD_FAILURE() << "cannot open " << db_ << ": " << sqlite3_errmsg(db);
        sqlite3_close(db);
        return out;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
        ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
        sqlite3_close(db);
        return out;
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
        sqlite3_bind_text(stmt, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
    }
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        ClickRow row;
        for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
            const auto* text = sqlite3_column_text(stmt, c);
            row[sqlite3_column_name(stmt, c)] = text == nullptr ? "" : reinterpret_cast<const char*>(text);
        }
        out.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
}

std::optional<ClickRow> ClickRows::Get(const std::string& click_id) const {
    auto rows = Query("SELECT * FROM clicks WHERE id = ?1", {click_id});
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::vector<ClickRow> ClickRows::All() const { return Query("SELECT * FROM clicks ORDER BY id", {}); }

std::size_t ClickRows::CountPresent(const std::vector<std::string>& ids) const {
    // One query with every id in a JSON array keeps it to one connection and one read.
    std::string array = "[";
    for (std::size_t i = 0; i < ids.size(); ++i) array += (i ? ",\"" : "\"") + ids[i] + "\"";
    array += "]";
    auto rows = Query("SELECT count(*) AS n FROM clicks WHERE id IN (SELECT value FROM json_each(?1))", {array});
    return rows.empty() ? 0 : std::stoul(rows.front().at("n"));
}

}  // namespace rt::testing
