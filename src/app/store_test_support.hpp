#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "ports/store.hpp"
#include "storage/open_store.hpp"
#include "support/temp_dir.hpp"

namespace rt::app {

// A migrated store for a test run on several backends: SQLite (a file `name` in `dir`) when `backend` starts with
// "sqlite", the memory store otherwise. Fails the test (and returns null) when it cannot be opened.
inline std::unique_ptr<ports::Store> OpenMigratedStore(std::string_view backend, const rt::testing::TempDir& dir,
                                                       std::string_view name) {
    const std::string url =
        backend.starts_with("sqlite") ? "sqlite://" + (dir.path() / std::string(name)).string() : "memory://";
    auto store = storage::OpenStore(url);
    EXPECT_TRUE(store) << store.error().message();
    if (!store) return nullptr;
    EXPECT_TRUE((*store)->Migrate());
    return std::move(*store);
}

}  // namespace rt::app
