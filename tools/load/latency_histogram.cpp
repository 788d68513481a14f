#include "latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace tickwire::load {

int LatencyHistogram::bucket_of(std::int64_t ns) noexcept {
    const auto v = static_cast<std::uint64_t>(std::max<std::int64_t>(ns, 0));
    constexpr std::uint64_t kSub = std::uint64_t{1} << kSubBits;
    if (v < kSub) return static_cast<int>(v);  // exact below 64 ns
    const int octave = std::bit_width(v) - 1;  // >= kSubBits
    if (octave > kMaxOctave) return kBuckets - 1;
    const auto sub = static_cast<int>((v >> (octave - kSubBits)) & (kSub - 1));
    return ((octave - kSubBits + 1) << kSubBits) + sub;
}

std::int64_t LatencyHistogram::bucket_upper(int bucket) noexcept {
    constexpr int kSub = 1 << kSubBits;
    if (bucket < kSub) return bucket;
    const int octave = (bucket >> kSubBits) + kSubBits - 1;
    const int sub = bucket & (kSub - 1);
    const std::int64_t step = std::int64_t{1} << (octave - kSubBits);
    return (std::int64_t{1} << octave) + (sub + 1) * step - 1;
}

void LatencyHistogram::record(std::int64_t ns) noexcept {
    ns = std::max<std::int64_t>(ns, 0);
    ++buckets_[static_cast<std::size_t>(bucket_of(ns))];
    if (count_ == 0 || ns < min_) min_ = ns;
    max_ = std::max(max_, ns);
    ++count_;
    sum_ += static_cast<double>(ns);
}

void LatencyHistogram::merge(const LatencyHistogram& other) noexcept {
    if (other.count_ == 0) return;
    for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
    min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    count_ += other.count_;
    sum_ += other.sum_;
}

std::int64_t LatencyHistogram::quantile(double q) const noexcept {
    if (count_ == 0) return 0;
    q = std::clamp(q, 0.0, 1.0);
    // The rank of the q-th value, 1-based: p99 of 100 values is the 99th.
    const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
    std::uint64_t seen = 0;
    for (int b = 0; b < kBuckets; ++b) {
        seen += buckets_[static_cast<std::size_t>(b)];
        if (seen >= rank) return std::min(bucket_upper(b), max_);
    }
    return max_;
}

}  // namespace tickwire::load
