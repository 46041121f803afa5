#include "app/unique_visits.hpp"

#include <functional>

namespace rt::app {

bool UniqueVisits::Visit(const std::vector<std::string>& keys, core::TimePoint now) {
    std::vector<std::uint64_t> hashes;
    hashes.reserve(keys.size());
    for (const auto& key : keys) hashes.push_back(std::hash<std::string>{}(key));
    std::lock_guard lock(mu_);
    Expire(now);
    for (auto hash : hashes) {
        auto it = last_unique_ms_.find(hash);
        if (it != last_unique_ms_.end() && now.unix_ms - it->second < kWindowMs) return false;
    }
    for (auto hash : hashes) {
        last_unique_ms_[hash] = now.unix_ms;
        order_.emplace_back(hash, now.unix_ms);
    }
    return true;
}

void UniqueVisits::Forget(const std::vector<std::string>& keys, core::TimePoint now) {
    std::lock_guard lock(mu_);
    for (const auto& key : keys) {
        auto it = last_unique_ms_.find(std::hash<std::string>{}(key));
        if (it != last_unique_ms_.end() && it->second == now.unix_ms) last_unique_ms_.erase(it);
    }
}

std::size_t UniqueVisits::size() const {
    std::lock_guard lock(mu_);
    return last_unique_ms_.size();
}

void UniqueVisits::Expire(core::TimePoint now) {
    // order_ may hold stale entries for a key remembered again later; only the entry whose time is
    // the key's current one removes it.
    while (!order_.empty() && (now.unix_ms - order_.front().second >= kWindowMs || order_.size() > capacity_ ||
                               last_unique_ms_.size() >= capacity_)) {
        auto& [key, at] = order_.front();
        auto it = last_unique_ms_.find(key);
        if (it != last_unique_ms_.end() && it->second == at) last_unique_ms_.erase(it);
        order_.pop_front();
    }
}

}  // namespace rt::app
