#pragma once
// RollingStats: the last N durations (a ring buffer) and their p50/p99/max,
// for tick times and tick-start lateness. Memory is allocated once, at
// construction; add() and summary() never allocate.
//
// Thread: not thread-safe; owned by the loop thread.

#include <chrono>
#include <cstddef>
#include <vector>

namespace tickwire::engine {

struct Percentiles {
    std::chrono::nanoseconds p50{0};
    std::chrono::nanoseconds p99{0};
    std::chrono::nanoseconds max{0};
    std::size_t samples = 0;  ///< how many the figures are over (<= window)
};

class RollingStats {
public:
    /// `window` >= 1 samples are kept.
    explicit RollingStats(std::size_t window);

    void add(std::chrono::nanoseconds sample) noexcept;
    /// Nearest-rank percentiles over the window; zeros when empty.
    [[nodiscard]] Percentiles summary() const noexcept;
    void clear() noexcept;

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] std::size_t window() const noexcept { return samples_.size(); }

private:
    std::vector<std::chrono::nanoseconds> samples_;
    mutable std::vector<std::chrono::nanoseconds> scratch_;  // for nth_element
    std::size_t next_ = 0;
    std::size_t size_ = 0;
};

}  // namespace tickwire::engine
