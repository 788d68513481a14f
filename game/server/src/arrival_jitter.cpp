#include "arrival_jitter.hpp"

#include <algorithm>

namespace tickwire::game::server {

void ArrivalJitter::arrived(std::uint32_t arrival_tick, int lead) noexcept {
    if (open_ && arrival_tick == open_tick_) {
        open_lead_ = std::min(open_lead_, lead);
        return;
    }
    if (open_) commit(open_lead_);
    open_ = true;
    open_tick_ = arrival_tick;
    open_lead_ = lead;
}

void ArrivalJitter::commit(int lead) noexcept {
    recent_[recent_next_] = lead;
    recent_next_ = (recent_next_ + 1) % kUsual;
    recent_count_ = std::min(recent_count_ + 1, kUsual);
    std::array<int, kUsual> sorted = recent_;
    const auto middle = sorted.begin() + static_cast<std::ptrdiff_t>(recent_count_ / 2);
    std::nth_element(sorted.begin(), middle, sorted.begin() + static_cast<std::ptrdiff_t>(recent_count_));
    const auto lateness = static_cast<std::uint8_t>(std::clamp(*middle - lead, 0, kMaxTicks));
    if (count_ == kWindow) {
        --bins_[ring_[next_]];
    } else {
        ++count_;
    }
    ring_[next_] = lateness;
    ++bins_[lateness];
    next_ = (next_ + 1) % kWindow;
}

int ArrivalJitter::ticks() const noexcept {
    // The smallest lateness that at most 2 % of the samples exceed.
    const auto allowed = static_cast<std::size_t>(static_cast<double>(count_) * (1 - kPercentile));
    std::size_t later = 0;
    for (int late = kMaxTicks; late > 0; --late) {
        later += bins_[static_cast<std::size_t>(late)];
        if (later > allowed) return late;
    }
    return 0;
}

}  // namespace tickwire::game::server
