#include "app/unique_visits.hpp"

#include <absl/container/flat_hash_map.h>

#include <functional>

namespace rt::app {

struct UniqueVisits::Table : absl::flat_hash_map<Key, std::int64_t> {};

UniqueVisits::UniqueVisits(std::size_t capacity) : capacity_(capacity), last_unique_ms_(std::make_unique<Table>()) {}

UniqueVisits::~UniqueVisits() = default;

UniqueVisits::Key UniqueVisits::KeyOf(std::initializer_list<std::string_view> parts) {
    // Each part's hash is folded in with its position and length, so that ("ab", "c") and ("a", "bc") differ.
    std::uint64_t key = 0x9e3779b97f4a7c15ULL;
    for (std::string_view part : parts) {
        key ^= std::hash<std::string_view>{}(part) + part.size() + 0x9e3779b97f4a7c15ULL + (key << 6) + (key >> 2);
        key *= 0xff51afd7ed558ccdULL;
        key ^= key >> 33;
    }
    return key;
}

bool UniqueVisits::Visit(std::span<const Key> keys, core::TimePoint now) {
    std::lock_guard lock(mu_);
    Expire(now);
    for (Key key : keys) {
        auto it = last_unique_ms_->find(key);
        if (it != last_unique_ms_->end() && now.unix_ms - it->second < kWindowMs) return false;
    }
    for (Key key : keys) {
        (*last_unique_ms_)[key] = now.unix_ms;
        order_.emplace_back(key, now.unix_ms);
    }
    return true;
}

void UniqueVisits::Forget(std::span<const Key> keys, core::TimePoint now) {
    std::lock_guard lock(mu_);
    for (Key key : keys) {
        auto it = last_unique_ms_->find(key);
        if (it != last_unique_ms_->end() && it->second == now.unix_ms) last_unique_ms_->erase(it);
    }
}

std::size_t UniqueVisits::size() const {
    std::lock_guard lock(mu_);
    return last_unique_ms_->size();
}

void UniqueVisits::Expire(core::TimePoint now) {
    // order_ may hold stale entries for a key remembered again later; only the entry whose time is
    // the key's current one removes it.
    while (!order_.empty() && (now.unix_ms - order_.front().second >= kWindowMs || order_.size() > capacity_ ||
                               last_unique_ms_->size() >= capacity_)) {
        auto& [key, at] = order_.front();
        auto it = last_unique_ms_->find(key);
        if (it != last_unique_ms_->end() && it->second == at) last_unique_ms_->erase(it);
        order_.pop_front();
    }
}

}  // namespace rt::app
