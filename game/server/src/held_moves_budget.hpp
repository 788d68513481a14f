#pragma once
// HeldMovesBudget: how many of one player's held ticks the server may still
// make good with the late frames (World::replace_held_moves).
//
// Making a hold good lets its player choose the moves of those ticks after
// seeing, in the snapshots that kept coming, what happened meanwhile: up to
// sim::kMaxReplacedHeldTicks of hindsight, or a step back to where the hold
// began. A player who withholds inputs on purpose could use that to dodge
// after the fact, so it is rationed: credit for kTicks held ticks, refilled
// by one tick every kRefillEvery ticks (5 % of the time). An honest link
// needs far less (the game-feel bench's stalls hold 0.5 % of ticks); a
// cheat gets at most one 15-tick window every 5 s, and its other holds
// stand as the others saw them. Credit is spent when the queue offers a
// hold to be made good, even if the sim then finds nothing to redo (the
// ship died meanwhile): rare, and it keeps the queue free of sim state.
//
// Thread: the game thread (inside its player's InputQueue).

#include <algorithm>

#include "tickwire/game/sim/types.hpp"

namespace tickwire::game::server {

class HeldMovesBudget {
public:
    static constexpr int kTicks = 30;
    static constexpr int kRefillEvery = 20;

    /// Once per server tick.
    void tick() noexcept { credit_ = std::min(credit_ + 1, kTicks * kRefillEvery); }
    /// Whether a hold of `held` ticks may be made good.
    [[nodiscard]] bool covers(int held) const noexcept {
        return held >= 1 && held <= sim::kMaxReplacedHeldTicks && credit_ >= held * kRefillEvery;
    }
    void spend(int held) noexcept { credit_ -= held * kRefillEvery; }

private:
    int credit_ = kTicks * kRefillEvery;  // in 1/kRefillEvery ticks
};

}  // namespace tickwire::game::server
