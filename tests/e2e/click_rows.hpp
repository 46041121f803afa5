#pragma once

#include <optional>
#include <string>
#include <vector>

#include "direct_db.hpp"

// Reads the clicks table of a reftrack database, on either backend (the server may be running, or may have been
// killed). Test-only.
namespace rt::testing {

// One row, every column as text (integers in decimal), by column name.
using ClickRow = DbRow;

class ClickRows {
  public:
    // `db_url` is the URL the server was given: sqlite://… or postgresql://….
    explicit ClickRows(std::string db_url) : db_(std::move(db_url)) {}

    // The row with this click id, or nullopt. Fails the test when the database cannot be read.
    std::optional<ClickRow> Get(const std::string& click_id) const;
    // Every row, in id order.
    std::vector<ClickRow> All() const;
    // How many of `ids` are in the table (one query, one read transaction).
    std::size_t CountPresent(const std::vector<std::string>& ids) const;

  private:
    DirectDb db_;
};

}  // namespace rt::testing
