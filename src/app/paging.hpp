#pragma once

#include <vector>

#include "core/error.hpp"
#include "core/page.hpp"

namespace rt::app {

// Every item of a newest-first list, page by page (500 at a time), inside the caller's transaction.
// `list(page)` returns a Result<core::Page<T>>; items are appended to `out`.
template <class T, class ListFn>
core::Result<void> ForEachPage(ListFn list, std::vector<T>& out) {
    core::PageRequest page{core::PageRequest::kMaxLimit, {}};
    for (;;) {
        auto batch = list(page);
        if (!batch) return core::Fail(batch.error());
        for (auto& item : batch->data) out.push_back(std::move(item));
        if (!batch->has_more || batch->data.empty()) return {};
        page.starting_after = out.back().id.str();
    }
}

}  // namespace rt::app
