#include "core/burst.hpp"

#include <cassert>
#include <utility>
#include <vector>

namespace rt::core {

namespace {

thread_local int t_depth = 0;
thread_local std::vector<std::function<void()>> t_at_end;

}  // namespace

Burst::Burst() { ++t_depth; }

Burst::~Burst() {
    if (--t_depth > 0) return;
    // A function may open a burst and register more: those run at that burst's own end.
    auto at_end = std::move(t_at_end);
    t_at_end.clear();
    for (auto& fn : at_end) fn();
}

bool Burst::Open() { return t_depth > 0; }

void Burst::AtEnd(std::function<void()> fn) {
    assert(t_depth > 0);
    t_at_end.push_back(std::move(fn));
}

}  // namespace rt::core
