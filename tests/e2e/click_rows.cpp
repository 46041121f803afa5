#include "click_rows.hpp"

namespace rt::testing {

std::optional<ClickRow> ClickRows::Get(const std::string& click_id) const {
    auto rows = db_.Query("SELECT * FROM clicks WHERE id = ?1", {click_id});
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::vector<ClickRow> ClickRows::All() const { return db_.Query("SELECT * FROM clicks ORDER BY id", {}); }

std::size_t ClickRows::CountPresent(const std::vector<std::string>& ids) const {
    // One query with every id in a JSON array keeps it to one connection and one read.
    std::string array = "[";
    for (std::size_t i = 0; i < ids.size(); ++i) array += (i ? ",\"" : "\"") + ids[i] + "\"";
    array += "]";
    const std::string sql =
        db_.is_postgresql() ? "SELECT count(*) AS n FROM clicks WHERE id IN (SELECT json_array_elements_text(?1::json))"
                            : "SELECT count(*) AS n FROM clicks WHERE id IN (SELECT value FROM json_each(?1))";
    const auto n = db_.QueryInt(sql, {array});
    return n < 0 ? 0 : static_cast<std::size_t>(n);
}

}  // namespace rt::testing
