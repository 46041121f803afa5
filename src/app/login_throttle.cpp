#include "app/login_throttle.hpp"

#include <algorithm>
#include <iterator>

namespace rt::app {

void LoginThrottle::Expire(std::deque<std::int64_t>& times, core::TimePoint now) const {
    while (!times.empty() && times.front() + options_.window_ms <= now.unix_ms) times.pop_front();
}

std::int64_t LoginThrottle::RetryAfterMs(std::span<const std::string> keys, core::TimePoint now) {
    std::lock_guard lock(mu_);
    std::int64_t wait = 0;
    for (const auto& key : keys) {
        auto it = failures_.find(key);
        if (it == failures_.end()) continue;
        Expire(it->second, now);
        const auto& times = it->second;
        if (times.size() < static_cast<std::size_t>(options_.max_failures)) continue;
        // The attempt is allowed again once enough failures left the window to go below the limit.
        const std::size_t must_leave = times.size() - static_cast<std::size_t>(options_.max_failures);
        wait = std::max(wait, times[must_leave] + options_.window_ms - now.unix_ms);
    }
    return wait;
}

void LoginThrottle::RecordFailure(std::span<const std::string> keys, core::TimePoint now) {
    std::lock_guard lock(mu_);
    for (const auto& key : keys) {
        auto it = failures_.find(key);
        if (it == failures_.end()) {
            if (failures_.size() >= options_.max_keys) MakeRoom(now);
            it = failures_.emplace(key, std::deque<std::int64_t>{}).first;
        }
        Expire(it->second, now);
        it->second.push_back(now.unix_ms);
        // More than the limit is never needed to answer RetryAfterMs.
        while (it->second.size() > static_cast<std::size_t>(options_.max_failures)) it->second.pop_front();
    }
}

void LoginThrottle::Reset(std::string_view key) {
    std::lock_guard lock(mu_);
    failures_.erase(std::string(key));
}

void LoginThrottle::MakeRoom(core::TimePoint now) {
    for (auto it = failures_.begin(); it != failures_.end();) {
        Expire(it->second, now);
        it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
    if (failures_.size() < options_.max_keys) return;
    auto stalest = std::min_element(failures_.begin(), failures_.end(),
                                    [](const auto& a, const auto& b) { return a.second.back() < b.second.back(); });
    if (stalest != failures_.end()) failures_.erase(stalest);
}

}  // namespace rt::app
