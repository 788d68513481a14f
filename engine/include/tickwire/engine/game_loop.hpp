#pragma once
// GameLoop: the fixed-tick frame loop a game or server runs on its game thread.
// Each frame it calls the hooks the game filled in:
//
//   poll_input -> network_in -> step(tick, dt) x N -> network_out -> render(alpha)
//
// N comes from a FixedStep (0, 1, or a few after a slow frame); render gets
// the interpolation alpha. Windowed mode renders every frame (pace it with
// vsync or max_frame_rate). Headless mode (servers, bots) never renders: it
// sleeps precisely until the next tick is due, so every frame runs one step.
//
// Time comes from an injected LoopClock, so tests run the loop on a fake
// clock and check exact tick counts and statistics.
//
// Thread: construct, run() and stats() on the game thread (hooks run there
// too); request_stop(), stop_requested() and tick() may be called from any
// thread. A stop requested while the loop sleeps takes effect at the next
// tick (at most one dt later).
//
//   GameLoopHooks hooks;
//   hooks.network_in = [&] { drain_network(); };
//   hooks.step = [&](std::uint64_t tick, double dt) { world.step(tick, dt); };
//   hooks.network_out = [&] { send_snapshots(); };
//   GameLoop loop({.tick_rate_hz = 60, .headless = true}, std::move(hooks));
//   loop.run();  // until some hook or another thread calls loop.request_stop()

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "tickwire/engine/fixed_step.hpp"
#include "tickwire/engine/precise_sleep.hpp"
#include "tickwire/engine/rolling_stats.hpp"

namespace tickwire::engine {

/// Where the loop gets time from and how it waits.
struct LoopClock {
    using TimePoint = std::chrono::steady_clock::time_point;
    std::function<TimePoint()> now;
    std::function<void(TimePoint)> sleep_until;

    /// steady_clock and sleep_until_precise(config).
    static LoopClock system(SleepConfig config = {});
};

struct GameLoopConfig {
    int tick_rate_hz = 60;  ///< 1..240
    /// Longer frames are clamped (see FixedStep); the excess is dropped_time.
    std::chrono::nanoseconds max_frame_time = std::chrono::milliseconds(250);
    /// No render; sleep until each tick is due.
    bool headless = false;
    /// Windowed mode only: sleep so frames start at most this often; 0 = no
    /// cap (render blocks on vsync, or the loop runs flat out).
    int max_frame_rate = 0;
    /// Ticks the percentiles of LoopStats are computed over (10 s at 60 Hz).
    std::size_t stats_window = 600;
    /// A tick that starts more than this after it was due counts as late.
    std::chrono::nanoseconds late_threshold = std::chrono::milliseconds(2);
};

/// The game's callbacks; any may be left empty.
struct GameLoopHooks {
    std::function<void()> poll_input;
    std::function<void()> network_in;
    /// One fixed step; tick counts from 1, dt is in seconds (1 / rate).
    std::function<void(std::uint64_t tick, double dt)> step;
    std::function<void()> network_out;
    /// Windowed mode only; alpha in [0, 1) blends the last two states.
    std::function<void(double alpha)> render;
};

struct LoopStats {
    std::uint64_t tick = 0;    ///< number of the last step run
    std::uint64_t frames = 0;
    /// Wall time spent in step(), over the last stats_window ticks.
    Percentiles tick_time;
    /// How long after it was due each tick started (tick-start jitter). In
    /// headless mode this is the wake-up precision; in windowed mode ticks
    /// start at frame boundaries, so up to a frame of lateness is normal.
    Percentiles tick_lateness;
    std::uint64_t late_ticks = 0;     ///< started more than late_threshold after due
    std::uint64_t overrun_ticks = 0;  ///< step() took longer than dt
    std::chrono::nanoseconds dropped_time{0};  ///< real time clamped away by stalls
};

class GameLoop {
public:
    /// Throws std::invalid_argument for a bad tick rate or max_frame_time
    /// (start-up configuration errors).
    GameLoop(GameLoopConfig config, GameLoopHooks hooks, LoopClock clock = LoopClock::system());

    GameLoop(const GameLoop&) = delete;
    GameLoop& operator=(const GameLoop&) = delete;

    /// Runs frames until request_stop(). Returns at once if already requested.
    void run();
    /// One frame (headless: wait for the next tick, then run it). For games
    /// that own their outer loop. Returns false once a stop was requested.
    bool run_frame();

    void request_stop() noexcept { stop_.store(true, std::memory_order_relaxed); }
    [[nodiscard]] bool stop_requested() const noexcept { return stop_.load(std::memory_order_relaxed); }
    /// Number of the last step run; any thread.
    [[nodiscard]] std::uint64_t tick() const noexcept { return tick_.load(std::memory_order_relaxed); }

    /// Game thread (e.g. from a hook), or after run() returned.
    [[nodiscard]] LoopStats stats() const noexcept;
    /// Steps run by the current (or last) frame: lets network_out send once per tick.
    [[nodiscard]] int frame_steps() const noexcept { return frame_steps_; }
    [[nodiscard]] const FixedStep& fixed_step() const noexcept { return fixed_; }
    [[nodiscard]] const GameLoopConfig& config() const noexcept { return config_; }

private:
    GameLoopConfig config_;
    GameLoopHooks hooks_;
    LoopClock clock_;
    FixedStep fixed_;
    std::chrono::nanoseconds dt_;

    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> tick_{0};

    bool started_ = false;
    LoopClock::TimePoint last_{};         // when time was last fed to fixed_
    LoopClock::TimePoint frame_start_{};  // for max_frame_rate
    int frame_steps_ = 0;
    std::uint64_t frames_ = 0;
    RollingStats tick_time_;
    RollingStats tick_lateness_;
    std::uint64_t late_ticks_ = 0;
    std::uint64_t overrun_ticks_ = 0;
};

}  // namespace tickwire::engine
