#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

// Reads the clicks table of a reftrack SQLite database, opened read-only (the server may be running, or
// may have been killed). Test-only.
namespace rt::testing {

// One row, every column as text (integers in decimal), by column name.
using ClickRow = std::map<std::string, std::string>;

class ClickRows {
  public:
    explicit ClickRows(std::filesystem::path db) : db_(std::move(db)) {}

    // The row with this click id, or nullopt. Fails the test when the database cannot be read.
    std::optional<ClickRow> Get(const std::string& click_id) const;
    // Every row, in id order.
    std::vector<ClickRow> All() const;
    // How many of `ids` are in the table (one query, one read transaction).
    std::size_t CountPresent(const std::vector<std::string>& ids) const;

  private:
    std::vector<ClickRow> Query(const std::string& sql, const std::vector<std::string>& params) const;

    std::filesystem::path db_;
};

}  // namespace rt::testing
