#include "core/duration_sketch.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace rt::core {

int DurationSketch::BucketOf(std::int64_t seconds) {
    if (seconds <= 0) return 0;
    return 1 + static_cast<int>(std::floor(std::log(static_cast<double>(seconds)) / std::log(kGamma)));
}

std::int64_t DurationSketch::ValueOf(int bucket) {
    if (bucket <= 0) return 0;
    return std::llround(2.0 * std::pow(kGamma, bucket) / (kGamma + 1));
}

void DurationSketch::AddBucket(int bucket, std::int64_t weight) {
    if (weight == 0) return;
    auto it = std::lower_bound(buckets_.begin(), buckets_.end(), bucket,
                               [](const auto& b, int key) { return b.first < key; });
    if (it != buckets_.end() && it->first == bucket) {
        it->second += weight;
        if (it->second == 0) buckets_.erase(it);
    } else {
        buckets_.insert(it, {bucket, weight});
    }
}

void DurationSketch::Add(std::int64_t seconds, std::int64_t weight) { AddBucket(BucketOf(seconds), weight); }

void DurationSketch::Merge(const DurationSketch& other) {
    for (const auto& [bucket, weight] : other.buckets_) AddBucket(bucket, weight);
}

void DurationSketch::Subtract(const DurationSketch& other) {
    for (const auto& [bucket, weight] : other.buckets_) AddBucket(bucket, -weight);
}

std::int64_t DurationSketch::total_weight() const {
    std::int64_t total = 0;
    for (const auto& b : buckets_) total += b.second;
    return total;
}

std::optional<std::int64_t> DurationSketch::Quantile(double q) const {
    const auto total = total_weight();
    if (buckets_.empty() || total <= 0) return std::nullopt;
    const double target = std::clamp(q, 0.0, 1.0) * static_cast<double>(total);
    std::int64_t seen = 0;
    for (const auto& [bucket, weight] : buckets_) {
        seen += weight;
        if (static_cast<double>(seen) >= target) return ValueOf(bucket);
    }
    return ValueOf(buckets_.back().first);
}

std::string DurationSketch::Encode() const {
    std::string out;
    for (const auto& [bucket, weight] : buckets_) {
        if (!out.empty()) out += ';';
        out += std::to_string(bucket);
        out += ':';
        out += std::to_string(weight);
    }
    return out;
}

std::optional<DurationSketch> DurationSketch::Decode(std::string_view text) {
    DurationSketch sketch;
    while (!text.empty()) {
        const auto end = text.find(';');
        const auto pair = text.substr(0, end);
        const auto colon = pair.find(':');
        if (colon == std::string_view::npos) return std::nullopt;
        int bucket = 0;
        std::int64_t weight = 0;
        const auto* b = pair.data();
        auto r1 = std::from_chars(b, b + colon, bucket);
        auto r2 = std::from_chars(b + colon + 1, b + pair.size(), weight);
        if (r1.ec != std::errc() || r1.ptr != b + colon || r2.ec != std::errc() || r2.ptr != b + pair.size() ||
            bucket < 0 || weight == 0)
            return std::nullopt;
        if (!sketch.buckets_.empty() && sketch.buckets_.back().first >= bucket) return std::nullopt;
        sketch.buckets_.emplace_back(bucket, weight);
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
        if (text.empty()) return std::nullopt;  // a trailing ';'
    }
    return sketch;
}

}  // namespace rt::core
