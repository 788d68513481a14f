#include "interpolation_buffer.hpp"

#include <algorithm>
#include <cmath>

namespace tickwire::game {

void InterpolationBuffer::reset() noexcept {
    buffer_.clear();
    newest_tick_ = 0;
    last_arrival_ = 0;
}

void InterpolationBuffer::push(std::uint32_t tick, std::span<const protocol::Entity> entities, std::int64_t now) {
    newest_tick_ = tick;
    if (last_arrival_ != 0 && !outage_gap_) {
        const double gap = static_cast<double>(now - last_arrival_);
        if (interval_.primed) jitter_.add(std::abs(gap - interval_.value), 0.05);
        interval_.add(gap, 0.05);
    }
    last_arrival_ = now;
    outage_gap_ = false;
    // Reuse the oldest slot's storage once full: no allocation per snapshot.
    Snapshot slot;
    if (buffer_.size() >= kCapacity) {
        slot = std::move(buffer_.front());
        buffer_.pop_front();
    }
    slot.tick = tick;
    slot.entities.assign(entities.begin(), entities.end());
    buffer_.push_back(std::move(slot));
    adapt_delay();
}

void InterpolationBuffer::adapt_delay() noexcept {
    // One snapshot interval (the next snapshot must be in before the render
    // clock reaches the newest), one tick (the view is drawn up to a tick
    // ahead of the render clock), and the late side of the arrival jitter
    // (three mean deviations of the gaps: uniform jitter's whole range), and
    // what the world standing still on screen has shown that misses (a
    // loaded machine's late wake-ups are a longer tail than the network's).
    const double interval = interval_.primed ? interval_.value : 2 * tick_us_;
    const double target = (interval + tick_us_ + 3 * jitter_.value) / tick_us_ + late_margin_;
    delay_ticks_ += (std::clamp(target, 1.0, 30.0) - delay_ticks_) * 0.1;
}

void InterpolationBuffer::advance(std::int64_t now) noexcept {
    if (newest_tick_ == 0) return;
    const double since = static_cast<double>(now - last_arrival_) / tick_us_;
    const double target = newest_tick_ + std::min(since, 10.0) - delay_ticks_;
    const double error = target - render_tick_;
    if (std::abs(error) > 30) {
        render_tick_ = target;
    } else {
        render_tick_ += std::clamp(1.0 + error * 0.05, 0.8, 1.2);
    }
    if (render_tick_ > newest_tick_) {
        ++starved_ticks_;
        late_margin_ = std::min(late_margin_ + kStarvedStep, kMaxLateMargin);
    } else {
        late_margin_ = std::max(0.0, late_margin_ - kLateMarginFall);
    }
}

schemas::ViewTime InterpolationBuffer::view_time() const noexcept {
    if (buffer_.empty() || render_tick_ < 1) return {};
    const double whole = std::floor(render_tick_);
    return {static_cast<std::uint32_t>(whole), static_cast<std::uint8_t>(std::min(255.0, (render_tick_ - whole) * 256))};
}

InterpolationBuffer::Span InterpolationBuffer::at(double alpha) const noexcept {
    const double t = render_tick_ + alpha;
    const Snapshot* a = nullptr;
    const Snapshot* b = nullptr;
    for (const Snapshot& s : buffer_) {
        if (s.tick <= t) a = &s;
        if (s.tick > t) {
            b = &s;
            break;
        }
    }
    if (a == nullptr) a = b;
    if (b == nullptr) b = a;
    if (a == nullptr) return {};
    const float f = b->tick == a->tick ? 0.0f : static_cast<float>(std::clamp((t - a->tick) / (b->tick - a->tick), 0.0, 1.0));
    return {a, b, f};
}

}  // namespace tickwire::game
