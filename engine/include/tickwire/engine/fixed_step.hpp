#pragma once
// FixedStep: the fixed-timestep accumulator of "Fix Your Timestep". The caller
// feeds it how much real time passed; it answers how many fixed steps of
// dt = 1/rate to simulate and the interpolation alpha for rendering. It never
// reads a clock itself, so tests drive it with exact scripted frame times.
//
// Time is kept exactly: the accumulator holds nanoseconds multiplied by the
// tick rate, and one step is 10^9 of those units, so 60 Hz does not drift
// even though 1/60 s is not a whole number of nanoseconds.
//
// Frames longer than max_frame_time (a debugger break, a stall, a suspended
// laptop) are clamped: the excess is dropped, counted in dropped_time(), and
// the simulation falls behind real time instead of entering the spiral of
// death (each catch-up frame taking longer than the time it simulates).
//
// Thread: not thread-safe; owned by the loop thread.

#include <chrono>
#include <cstdint>

namespace tickwire::engine {

class FixedStep {
public:
    using Duration = std::chrono::nanoseconds;

    static constexpr int kMinRate = 1;
    static constexpr int kMaxRate = 240;

    struct Config {
        int tick_rate_hz = 60;                                    ///< 1..240
        Duration max_frame_time = std::chrono::milliseconds(250);  ///< > 0; longer frames are clamped
    };

    /// What one advance() asks the caller to do.
    struct Steps {
        int count = 0;       ///< fixed steps to run now, oldest first
        double alpha = 0.0;  ///< [0, 1): how far real time is into the next step
        Duration dropped{0};  ///< time clamped away in this frame
    };

    FixedStep() : FixedStep(Config{}) {}
    /// Throws std::invalid_argument for a rate outside 1..240 or a
    /// non-positive max_frame_time (a start-up configuration error).
    explicit FixedStep(Config config);

    [[nodiscard]] static bool valid_rate(int tick_rate_hz) noexcept {
        return tick_rate_hz >= kMinRate && tick_rate_hz <= kMaxRate;
    }

    /// Adds `frame_time` of real time (negative counts as zero: a clock that
    /// stepped backwards) and returns the steps now due.
    Steps advance(Duration frame_time) noexcept;

    /// Real time still needed before the next step is due, rounded up to the
    /// nanosecond (so sleeping this long always makes at least one step due).
    [[nodiscard]] Duration until_next_step() const noexcept;

    /// How long ago step `index` of the last advance() (0 = oldest) became due,
    /// measured from the moment of that advance(). Used for tick lateness.
    [[nodiscard]] Duration step_overdue(int index, int count) const noexcept;

    [[nodiscard]] int tick_rate() const noexcept { return rate_; }
    /// 1/rate rounded to the nearest nanosecond (exact internally).
    [[nodiscard]] Duration dt() const noexcept;
    [[nodiscard]] double dt_seconds() const noexcept { return 1.0 / rate_; }
    [[nodiscard]] Duration max_frame_time() const noexcept { return max_frame_; }
    [[nodiscard]] double alpha() const noexcept;
    [[nodiscard]] Duration dropped_time() const noexcept { return dropped_; }
    [[nodiscard]] std::uint64_t steps_total() const noexcept { return steps_total_; }

    /// Forget accumulated time (e.g. after loading a level); counters stay.
    void reset_accumulator() noexcept { accumulator_ = 0; }

private:
    static constexpr std::int64_t kStepUnits = 1'000'000'000;  // one step, in ns x rate

    int rate_;
    Duration max_frame_;
    std::int64_t accumulator_ = 0;  // ns x rate, always < kStepUnits after advance()
    Duration dropped_{0};
    std::uint64_t steps_total_ = 0;
};

}  // namespace tickwire::engine
