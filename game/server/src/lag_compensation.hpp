#pragma once
// LagCompensation: how far back the match server lets a shot be judged.
// The sim does the judging (sim::World, ShipHistory); this decides what of
// the client's claim to believe.
//
// A PlayerInput says what its player was looking at (view time: an
// interpolation tick and fraction). The server's own estimate of it is the
// newest snapshot the client has acknowledged: an honest client draws a
// little behind that (its interpolation delay), never ahead of it. A claim is
// clamped into [acked - view_tolerance, acked + 1 tick], and the rewind of a
// shot, from the tick it is fired in back to that view, never exceeds
// max_rewind (250 ms, as Overwatch): whatever a client claims, its victims
// are hit at most 250 ms after they could last have been seen.
//
// Thread: a plain value, the game thread's.

#include <chrono>
#include <cstdint>

#include "tickwire/schemas/game.hpp"

namespace tickwire::game::server {

class LagCompensation {
public:
    struct Config {
        bool enabled = true;
        int tick_rate = 60;
        std::chrono::milliseconds max_rewind{250};
        /// How far behind its newest acked snapshot a client may say it was
        /// drawing: its interpolation delay (two snapshot intervals plus
        /// jitter, ~70-100 ms at 30 Hz) with room to spare.
        std::chrono::milliseconds view_tolerance{150};
    };

    explicit LagCompensation(Config config);

    /// The view time to believe (Q8 ticks), from a client whose newest acked
    /// snapshot is `acked_tick`: the claim clamped around it; 0 (none) when
    /// compensation is off, nothing is acked yet, or nothing is claimed.
    [[nodiscard]] std::uint64_t trusted_view(schemas::ViewTime claimed, std::uint32_t acked_tick) const noexcept;
    /// The rewind (Q8 ticks) of a shot fired in `tick` by a frame whose
    /// trusted view is `view_q8`: at most max_rewind, 0 without a view.
    [[nodiscard]] std::uint32_t rewind(std::uint64_t view_q8, std::uint32_t tick) const noexcept;

    [[nodiscard]] bool enabled() const noexcept { return enabled_; }
    [[nodiscard]] std::uint32_t max_rewind_q8() const noexcept { return max_rewind_q8_; }

private:
    bool enabled_;
    std::uint32_t max_rewind_q8_;
    std::uint32_t tolerance_q8_;
};

}  // namespace tickwire::game::server
