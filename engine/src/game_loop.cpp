#include "tickwire/engine/game_loop.hpp"

#include <stdexcept>
#include <utility>

namespace tickwire::engine {

LoopClock LoopClock::system(SleepConfig config) {
    return LoopClock{
        [] { return std::chrono::steady_clock::now(); },
        [config](TimePoint deadline) { sleep_until_precise(deadline, config); },
    };
}

GameLoop::GameLoop(GameLoopConfig config, GameLoopHooks hooks, LoopClock clock)
    : config_(config),
      hooks_(std::move(hooks)),
      clock_(std::move(clock)),
      fixed_(FixedStep::Config{config.tick_rate_hz, config.max_frame_time}),
      dt_(fixed_.dt()),
      tick_time_(config.stats_window),
      tick_lateness_(config.stats_window) {
    if (!clock_.now || !clock_.sleep_until) throw std::invalid_argument("LoopClock needs now and sleep_until");
    if (config_.max_frame_rate < 0) throw std::invalid_argument("max_frame_rate must be >= 0");
}

void GameLoop::run() {
    while (run_frame()) {
    }
}

bool GameLoop::run_frame() {
    if (stop_requested()) return false;
    if (!started_) {
        last_ = clock_.now();
        frame_start_ = last_;
        started_ = true;
    }

    // Wait: headless for the next tick, windowed only to honour a frame cap.
    if (config_.headless) {
        clock_.sleep_until(last_ + fixed_.until_next_step());
    } else if (config_.max_frame_rate > 0 && frames_ > 0) {
        const auto period = std::chrono::nanoseconds(1'000'000'000 / config_.max_frame_rate);
        clock_.sleep_until(frame_start_ + period);
    }
    const auto now = clock_.now();
    frame_start_ = now;

    if (hooks_.poll_input) hooks_.poll_input();
    if (hooks_.network_in) hooks_.network_in();

    const FixedStep::Steps steps = fixed_.advance(now - last_);
    last_ = now;
    frame_steps_ = 0;
    for (int i = 0; i < steps.count && !stop_requested(); ++i) {
        const auto start = clock_.now();
        // Due at (now - overdue - dropped): after a stall the clamped-away
        // time is part of how late these steps really are.
        const auto lateness = (start - now) + fixed_.step_overdue(i, steps.count) + steps.dropped;
        tick_lateness_.add(lateness);
        if (lateness > config_.late_threshold) ++late_ticks_;

        const std::uint64_t tick = tick_.load(std::memory_order_relaxed) + 1;
        tick_.store(tick, std::memory_order_relaxed);
        ++frame_steps_;
        if (hooks_.step) hooks_.step(tick, fixed_.dt_seconds());

        const auto took = clock_.now() - start;
        tick_time_.add(took);
        if (took > dt_) ++overrun_ticks_;
    }

    if (hooks_.network_out) hooks_.network_out();
    if (!config_.headless && hooks_.render) hooks_.render(steps.alpha);
    ++frames_;
    return !stop_requested();
}

LoopStats GameLoop::stats() const noexcept {
    LoopStats out;
    out.tick = tick();
    out.frames = frames_;
    out.tick_time = tick_time_.summary();
    out.tick_lateness = tick_lateness_.summary();
    out.late_ticks = late_ticks_;
    out.overrun_ticks = overrun_ticks_;
    out.dropped_time = fixed_.dropped_time();
    return out;
}

}  // namespace tickwire::engine
