#pragma once
// InterpolationBuffer: the last snapshots, kept to draw the world a little in
// the past, between two of them. Its render clock advances one tick per tick,
// nudged towards "newest snapshot's tick minus the delay" so it neither
// starves nor lags; the delay adapts to a snapshot interval, a tick and
// three mean deviations of the arrival gaps, plus a margin that each tick
// drawn past the newest snapshot raises (kStarvedStep) and time lowers.
//
// Times are microseconds on the client's clock (ClientConfig::clock).
//
// Thread: the game thread.

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "ewma.hpp"
#include "tickwire/game/protocol/wire.hpp"

namespace tickwire::game {

class InterpolationBuffer {
public:
    struct Snapshot {
        std::uint32_t tick = 0;
        std::vector<protocol::Entity> entities;  ///< sorted by id
    };
    /// The two snapshots around a render time and how far between them (0..1).
    struct Span {
        const Snapshot* from = nullptr;  ///< null when the buffer is empty
        const Snapshot* to = nullptr;
        float fraction = 0;
    };

    explicit InterpolationBuffer(double tick_us) : tick_us_(tick_us) {}

    /// A fresh session: empty.
    void reset() noexcept;
    /// The session resumed: the next gap between snapshots is the outage, not
    /// the network's rhythm.
    void on_resumed() noexcept { outage_gap_ = true; }

    /// A decoded snapshot (newer than any before) arrived at `now`.
    void push(std::uint32_t tick, std::span<const protocol::Entity> entities, std::int64_t now);
    /// Once per tick: advance the render clock.
    void advance(std::int64_t now) noexcept;

    /// The snapshots around render time `render_tick() + alpha`.
    [[nodiscard]] Span at(double alpha) const noexcept;
    /// The newest snapshot (null when empty).
    [[nodiscard]] const Snapshot* newest() const noexcept { return buffer_.empty() ? nullptr : &buffer_.back(); }
    [[nodiscard]] std::uint32_t newest_tick() const noexcept { return newest_tick_; }

    [[nodiscard]] double render_tick() const noexcept { return render_tick_; }
    /// render_tick() as the input packet's view time (what a shot fired now was
    /// aimed at); 0 while nothing is drawn.
    [[nodiscard]] schemas::ViewTime view_time() const noexcept;
    [[nodiscard]] double delay_ticks() const noexcept { return delay_ticks_; }
    /// Smoothed variation of the gaps between snapshot arrivals.
    [[nodiscard]] double jitter_us() const noexcept { return jitter_.value; }
    /// Ticks the render clock ran past the newest snapshot (the world stood
    /// still on screen: the delay was too short for the jitter).
    [[nodiscard]] std::uint64_t starved_ticks() const noexcept { return starved_ticks_; }

    static constexpr std::size_t kCapacity = 32;
    static constexpr double kStarvedStep = 0.25;          // ticks of margin per starved tick
    static constexpr double kLateMarginFall = 1.0 / 600;  // a tick of margin per 10 s (60 Hz)
    static constexpr double kMaxLateMargin = 4;           // ticks

private:
    void adapt_delay() noexcept;

    double tick_us_;
    std::deque<Snapshot> buffer_;  // oldest first
    std::uint32_t newest_tick_ = 0;
    std::int64_t last_arrival_ = 0;
    bool outage_gap_ = false;
    Ewma interval_, jitter_;
    double render_tick_ = 0;
    double delay_ticks_ = 4;
    std::uint64_t starved_ticks_ = 0;
    double late_margin_ = 0;  // ticks added to the delay after starving
};

}  // namespace tickwire::game
