#pragma once
// LagCompensation: how far back the match server lets a shot be judged.
// The sim does the judging (sim::World, ShipHistory); this decides what of
// the client's claim to believe.
//
// An input packet says what its player was looking at (view time: an
// interpolation tick and fraction). The server's own estimate of it is the
// newest snapshot the client has acknowledged: an honest client draws a
// little behind that (its interpolation delay), never ahead of it. A claim is
// clamped into [acked - view_tolerance, acked + 1 tick].
//
// The cap, max_rewind (250 ms, as Overwatch's, which is a cap on ping),
// bounds the part of the rewind that is the round trip as the server sees it:
// from the snapshot the client acknowledged to the tick the shot is fired in
// (both network legs, and the few ticks its input waited here). The
// shooter's interpolation delay (acked - view, at most view_tolerance) is
// added on top: the server bounds it itself, and a cap that counted it would
// leave a player at 200 ms of round trip leading every shot. So a victim is
// hit at most max_rewind + view_tolerance (350 ms) after it could last have
// been seen; max_rewind_includes_interpolation = true makes max_rewind the
// bound of the whole rewind, as before.
//
// Thread: a plain value, the game thread's.

#include <chrono>
#include <cstdint>

#include "tickwire/schemas/game.hpp"

namespace tickwire::game::server {

/// When a shot's shooter saw what it aimed at, as the server believes it,
/// and how far back the shot may therefore be judged.
struct ShotView {
    std::uint64_t tick_q8 = 0;        ///< Q8 server ticks; 0 = none (judged in the present)
    std::uint32_t max_rewind_q8 = 0;  ///< max_rewind, plus the interpolation delay it allows
};

class LagCompensation {
public:
    struct Config {
        bool enabled = true;
        int tick_rate = 60;
        /// The cap on the round trip a shot is compensated for.
        std::chrono::milliseconds max_rewind{250};
        /// How far behind its newest acked snapshot a client may say it was
        /// drawing: its interpolation delay (a snapshot interval, a tick and
        /// the arrival jitter: ~50-85 ms at 30 Hz) with room to spare.
        std::chrono::milliseconds view_tolerance{100};
        /// true: max_rewind bounds the whole rewind, interpolation delay included.
        bool max_rewind_includes_interpolation = false;
    };

    explicit LagCompensation(Config config);

    /// The view to believe, from a client whose newest acked snapshot is
    /// `acked_tick`: the claim clamped around it; none when compensation is
    /// off, nothing is acked yet, or nothing is claimed.
    [[nodiscard]] ShotView trusted_view(schemas::ViewTime claimed, std::uint32_t acked_tick) const noexcept;
    /// The rewind (Q8 ticks) of a shot fired in `tick` from `view`: at most
    /// view.max_rewind_q8, 0 without a view.
    [[nodiscard]] std::uint32_t rewind(const ShotView& view, std::uint32_t tick) const noexcept;

    [[nodiscard]] bool enabled() const noexcept { return enabled_; }
    [[nodiscard]] std::uint32_t max_rewind_q8() const noexcept { return max_rewind_q8_; }

private:
    bool enabled_;
    bool includes_interpolation_;
    std::uint32_t max_rewind_q8_;
    std::uint32_t tolerance_q8_;
};

}  // namespace tickwire::game::server
