#pragma once

#include <iterator>
#include <map>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/page.hpp"
#include "storage/store_rules.hpp"

// The query shapes MemoryTx's methods share, over tables that are maps from id to row.
namespace rt::storage {

inline core::Error Conflict(std::string_view message) { return core::Error::Conflict(std::string(message)); }
inline core::Error NotFound(std::string_view message) { return core::Error::NotFound(std::string(message)); }

// Rows of `table` with an id below page.starting_after (all when it is empty) that `keep` accepts,
// newest first, at most the page limit of them.
template <class Key, class T, class Keep>
core::Page<T> ListNewestFirst(const std::map<Key, T>& table, const core::PageRequest& page, Keep keep) {
    const auto limit = static_cast<std::size_t>(EffectivePageLimit(page));
    auto end = page.starting_after.empty() ? table.end() : table.lower_bound(Key::FromTrusted(page.starting_after));
    core::Page<T> out;
    for (auto it = std::make_reverse_iterator(end); it != table.rend(); ++it) {
        if (!keep(it->second)) continue;
        if (out.data.size() == limit) {
            out.has_more = true;
            break;
        }
        out.data.push_back(it->second);
    }
    return out;
}

// The row of `table` with `id`; kNotFound (`not_found`) when none.
template <class Key, class T>
core::Result<T> Find(const std::map<Key, T>& table, const Key& id, std::string_view not_found) {
    auto it = table.find(id);
    if (it == table.end()) return core::Fail(NotFound(not_found));
    return it->second;
}

}  // namespace rt::storage
