#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rt::core {

// A mergeable quantile sketch of durations in whole seconds: a histogram over logarithmic buckets
// whose bounds grow by kGamma (bucket i >= 1 holds [kGamma^(i-1), kGamma^i); bucket 0 holds 0 s).
// Any quantile it reports is within kRelativeError of the exact weighted quantile of what was added
// (the DDSketch construction). Sketches add and subtract exactly (bucket by bucket), so report
// rollups keep one per cell and merge them over any range. Weights are integers (the rollups use
// attribution weights in parts per million); a bucket whose weight reaches zero is dropped.
class DurationSketch {
  public:
    static constexpr double kGamma = 1.02;
    static constexpr double kRelativeError = (kGamma - 1) / (kGamma + 1);  // ~0.99%

    void Add(std::int64_t seconds, std::int64_t weight = 1);  // negative seconds count as 0
    void Merge(const DurationSketch& other);                  // adds other's weights
    void Subtract(const DurationSketch& other);               // removes other's weights

    bool empty() const { return buckets_.empty(); }
    std::int64_t total_weight() const;

    // The smallest bucket value v with (weight of values <= v) >= q * total, q in [0, 1]; nullopt
    // when empty. The value is the bucket's representative, rounded to whole seconds.
    std::optional<std::int64_t> Quantile(double q) const;

    // "index:weight" pairs joined by ';' in index order; "" when empty. Decode refuses anything else.
    std::string Encode() const;
    static std::optional<DurationSketch> Decode(std::string_view text);

    bool operator==(const DurationSketch&) const = default;

  private:
    static int BucketOf(std::int64_t seconds);
    static std::int64_t ValueOf(int bucket);
    void AddBucket(int bucket, std::int64_t weight);

    std::vector<std::pair<int, std::int64_t>> buckets_;  // sorted by bucket index, weights non-zero
};

}  // namespace rt::core
