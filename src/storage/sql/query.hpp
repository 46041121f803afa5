#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/page.hpp"
#include "storage/sql/connection.hpp"
#include "storage/store_rules.hpp"

// The query shapes SqlTx's methods share: one row by key, an optional row, every row, a newest-first page,
// and a savepoint for writes of several statements. Each reads rows with a Read* function of rows.hpp
// or of the resource's own file.
namespace rt::storage::sql {

template <class T>
using RowReader = Result<T> (*)(const Statement&);

inline std::string Concat(std::initializer_list<std::string_view> parts) {
    std::string out;
    for (auto p : parts) out += p;
    return out;
}

// The one row `sql` selects with `key` bound to ?1, decoded by `read`; kNotFound (`not_found`) when none.
template <class T>
Result<T> GetOne(Connection& conn, const std::string& sql, std::string_view key, RowReader<T> read,
                 std::string_view not_found) {
    auto statement = conn.Prepare(sql);
    if (!statement) return core::Fail(statement.error());
    statement->Bind(1, key);
    auto row = statement->Step();
    if (!row) return core::Fail(row.error());
    if (!*row) return core::Fail(core::Error::NotFound(std::string(not_found)));
    return read(*statement);
}

// The first row `sql` selects once `bind(statement)` bound its parameters; nullopt when none.
template <class T, class Bind>
Result<std::optional<T>> FindOne(Connection& conn, std::string_view sql, Bind bind, RowReader<T> read) {
    auto statement = conn.Prepare(sql);
    if (!statement) return core::Fail(statement.error());
    bind(*statement);
    auto row = statement->Step();
    if (!row) return core::Fail(row.error());
    if (!*row) return std::optional<T>();
    auto item = read(*statement);
    if (!item) return core::Fail(item.error());
    return std::optional<T>(std::move(*item));
}

// Whether `sql` selects any row once `bind(statement)` bound its parameters.
template <class Bind>
Result<bool> Exists(Connection& conn, std::string_view sql, Bind bind) {
    auto statement = conn.Prepare(sql);
    if (!statement) return core::Fail(statement.error());
    bind(*statement);
    return statement->Step();
}

// Every row `sql` selects once `bind(statement)` bound its parameters, in the order it selects them.
template <class T, class Bind>
Result<std::vector<T>> FindAll(Connection& conn, std::string_view sql, Bind bind, RowReader<T> read) {
    auto statement = conn.Prepare(sql);
    if (!statement) return core::Fail(statement.error());
    bind(*statement);
    std::vector<T> out;
    for (;;) {
        auto row = statement->Step();
        if (!row) return core::Fail(row.error());
        if (!*row) return out;
        auto item = read(*statement);
        if (!item) return core::Fail(item.error());
        out.push_back(std::move(*item));
    }
}

// One term of a list's WHERE clause: `before`, the text parameter bound to `value`, then `after`.
struct Condition {
    std::string before;  // "program_id = "
    std::string value;
    std::string after;  // ")" when the parameter sits inside a subquery; usually empty
};

// A newest-first page of `table`: rows that satisfy every condition, below page.starting_after, at most the
// page limit of them (one more is read to learn has_more).
template <class T>
Result<core::Page<T>> ListPage(Connection& conn, std::string_view columns, std::string_view table,
                               const std::vector<Condition>& where, const core::PageRequest& page, RowReader<T> read) {
    const int limit = EffectivePageLimit(page);
    std::string sql = Concat({"SELECT ", columns, " FROM ", table});
    std::vector<std::string_view> values;
    auto add = [&](std::string_view before, std::string_view value, std::string_view after) {
        values.push_back(value);
        sql += Concat({values.size() == 1 ? " WHERE " : " AND ", before, "?", std::to_string(values.size()), after});
    };
    for (const auto& c : where) add(c.before, c.value, c.after);
    if (!page.starting_after.empty()) add("id < ", page.starting_after, "");
    sql += " ORDER BY id DESC LIMIT ?" + std::to_string(values.size() + 1);

    auto statement = conn.Prepare(sql);
    if (!statement) return core::Fail(statement.error());
    for (std::size_t i = 0; i < values.size(); ++i) statement->Bind(static_cast<int>(i + 1), values[i]);
    statement->Bind(static_cast<int>(values.size() + 1), std::int64_t{limit} + 1);

    core::Page<T> out;
    for (;;) {
        auto row = statement->Step();
        if (!row) return core::Fail(row.error());
        if (!*row) break;
        if (out.data.size() == static_cast<std::size_t>(limit)) {
            out.has_more = true;
            break;
        }
        auto item = read(*statement);
        if (!item) return core::Fail(item.error());
        out.data.push_back(std::move(*item));
    }
    return out;
}

// "column = ?" conditions for the optional filters that are set, given as (column, optional id) pairs.
template <class... Filters>
std::vector<Condition> Equals(const Filters&... filters) {
    std::vector<Condition> out;
    auto add = [&](const auto& filter) {
        if (filter.second) out.push_back({std::string(filter.first) + " = ", filter.second->str(), ""});
    };
    (add(filters), ...);
    return out;
}

// Runs `body() -> Result<void>` inside a savepoint of the open write transaction: when it fails, whatever
// it wrote is undone and the transaction goes on as before the call. For writes of several statements.
template <class Body>
Result<void> Atomically(Connection& conn, Body body) {
    auto exec = [&](std::string_view sql) -> Result<void> {
        auto statement = conn.Prepare(sql);
        if (!statement) return core::Fail(statement.error());
        return statement->Run();
    };
    if (auto ok = exec("SAVEPOINT rt_atomic"); !ok) return ok;
    Result<void> done = body();
    if (!done) {
        if (auto undone = exec("ROLLBACK TO rt_atomic"); !undone) return undone;
    }
    if (auto released = exec("RELEASE rt_atomic"); !released) return released;
    return done;
}

}  // namespace rt::storage::sql
