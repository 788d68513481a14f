#pragma once
// LatencyHistogram: log-linear buckets over nanoseconds (64 sub-buckets per
// power of two, so any percentile is within ~1.6% of the true value), exact
// count, min and max. Fixed size, record() never allocates: recording costs
// nothing next to a socket round trip.
//
// Thread: one thread at a time (tickwire-load records on its I/O thread).

#include <array>
#include <cstdint>

namespace tickwire::load {

class LatencyHistogram {
public:
    void record(std::int64_t ns) noexcept;
    void merge(const LatencyHistogram& other) noexcept;
    void reset() noexcept { *this = LatencyHistogram{}; }

    [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
    [[nodiscard]] std::int64_t min() const noexcept { return count_ == 0 ? 0 : min_; }
    [[nodiscard]] std::int64_t max() const noexcept { return max_; }
    [[nodiscard]] double mean() const noexcept { return count_ == 0 ? 0 : sum_ / static_cast<double>(count_); }
    /// Value at quantile q in [0, 1] (q = 0.99 is p99), in ns; 0 when empty.
    [[nodiscard]] std::int64_t quantile(double q) const noexcept;

    static constexpr int kSubBits = 6;                 // 64 sub-buckets per octave
    static constexpr int kMaxOctave = 42;              // 2^42 ns ~ 73 minutes
    static constexpr int kBuckets = (kMaxOctave - kSubBits + 2) << kSubBits;
    [[nodiscard]] static int bucket_of(std::int64_t ns) noexcept;
    /// Upper bound of a bucket (what a percentile reports: never optimistic).
    [[nodiscard]] static std::int64_t bucket_upper(int bucket) noexcept;

private:
    std::array<std::uint64_t, kBuckets> buckets_{};
    std::uint64_t count_ = 0;
    double sum_ = 0;
    std::int64_t min_ = 0, max_ = 0;
};

}  // namespace tickwire::load
