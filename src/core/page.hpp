#pragma once

#include <string>
#include <vector>

namespace rt::core {

// Cursor pagination, newest first: a page holds objects created before `starting_after` (an id of the
// same type; ids sort by creation time), at most `limit` of them.
struct PageRequest {
    static constexpr int kDefaultLimit = 50;
    static constexpr int kMaxLimit = 500;

    int limit = kDefaultLimit;   // 1..kMaxLimit, checked by the caller that parses it
    std::string starting_after;  // empty: from the newest
};

template <class T>
struct Page {
    std::vector<T> data;
    bool has_more = false;
};

}  // namespace rt::core
