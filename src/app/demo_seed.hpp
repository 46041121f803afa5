#pragma once

#include "app/deps.hpp"
#include "core/error.hpp"

namespace rt::app {

// Fills an empty database with a small demo program: "Acme Cloud" (EUR, shop.example.com), a handful of
// partners in two groups and a few links each. Does nothing when any program exists.
// Returns whether it seeded. Blocking.
core::Result<bool> SeedDemoIfEmpty(const Deps& deps);

}  // namespace rt::app
