#pragma once

// For tests only: a plain connection to a database file, beside the store's own, to look at or damage
// what the store wrote.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

namespace rt::storage::sqlite {

class RawDb {
  public:
    explicit RawDb(const std::filesystem::path& path) { EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK); }
    ~RawDb() { sqlite3_close(db_); }
    RawDb(const RawDb&) = delete;
    RawDb& operator=(const RawDb&) = delete;

    void Exec(const std::string& sql) {
        EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
    }
    // The first column of every row of `sql`.
    std::vector<std::string> Column(const std::string& sql) {
        std::vector<std::string> out;
        auto collect = [](void* rows, int, char** values, char**) -> int {
            static_cast<std::vector<std::string>*>(rows)->push_back(values[0] ? values[0] : "NULL");
            return 0;
        };
        EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), collect, &out, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
        return out;
    }

  private:
    sqlite3* db_ = nullptr;
};

}  // namespace rt::storage::sqlite
