#include "input_figures.hpp"

#include <algorithm>

namespace tickwire::game::server {

void InputFigures::start_tick(std::uint32_t tick) noexcept {
    const std::uint32_t second = tick / static_cast<std::uint32_t>(tick_rate_);
    if (second == second_) return;
    second_ = second;
    Bucket& b = current();
    b = Bucket{};
    b.second = second;
}

void InputFigures::applied(int wait_ticks, std::uint64_t merged) noexcept {
    Bucket& b = current();
    ++b.applied;
    b.merged += merged;
    ++totals_.applied;
    totals_.merged += merged;
    ++b.waits[static_cast<std::size_t>(std::clamp(wait_ticks, 0, kWaitBins - 1))];
}

InputTiming InputFigures::window() const noexcept {
    InputTiming w;
    std::array<std::uint64_t, kWaitBins> waits{};
    for (const Bucket& b : buckets_) {
        // Only the last kSeconds: a bucket not rolled over for longer is stale.
        if (second_ - b.second >= static_cast<std::uint32_t>(kSeconds)) continue;
        w.applied += b.applied;
        w.merged += b.merged;
        w.dropped += b.dropped;
        w.held_ticks += b.held_ticks;
        w.held_replaced += b.held_replaced;
        w.repeated += b.repeated;
        w.skipped += b.skipped;
        for (int i = 0; i < kWaitBins; ++i) waits[static_cast<std::size_t>(i)] += b.waits[static_cast<std::size_t>(i)];
    }
    // Percentiles of whole ticks: the smallest wait that many frames did not exceed.
    const auto percentile = [&](double p) {
        if (w.applied == 0) return 0.0;
        const auto rank = static_cast<std::uint64_t>(p * static_cast<double>(w.applied - 1));
        std::uint64_t seen = 0;
        for (int i = 0; i < kWaitBins; ++i) {
            seen += waits[static_cast<std::size_t>(i)];
            if (seen > rank) return static_cast<double>(i);
        }
        return static_cast<double>(kWaitBins - 1);
    };
    w.wait_p50_ticks = percentile(0.50);
    w.wait_p95_ticks = percentile(0.95);
    return w;
}

}  // namespace tickwire::game::server
