#include "tickwire/engine/rolling_stats.hpp"

#include <algorithm>

namespace tickwire::engine {

RollingStats::RollingStats(std::size_t window) : samples_(std::max<std::size_t>(window, 1)) {
    scratch_.reserve(samples_.size());
}

void RollingStats::add(std::chrono::nanoseconds sample) noexcept {
    samples_[next_] = sample;
    next_ = (next_ + 1) % samples_.size();
    if (size_ < samples_.size()) ++size_;
}

Percentiles RollingStats::summary() const noexcept {
    Percentiles out;
    out.samples = size_;
    if (size_ == 0) return out;
    // The window is only in insertion order until it wraps; order is irrelevant here.
    scratch_.assign(samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(size_));
    // Nearest rank: the smallest value with at least p% of samples <= it.
    const auto rank = [&](std::size_t percent) { return (size_ * percent + 99) / 100 - 1; };
    const auto at = [&](std::size_t index) {
        std::nth_element(scratch_.begin(), scratch_.begin() + static_cast<std::ptrdiff_t>(index), scratch_.end());
        return scratch_[index];
    };
    out.p50 = at(rank(50));
    out.p99 = at(rank(99));
    out.max = *std::max_element(scratch_.begin(), scratch_.end());
    return out;
}

void RollingStats::clear() noexcept {
    next_ = 0;
    size_ = 0;
}

}  // namespace tickwire::engine
