#pragma once
// InputQueue: one player's input frames between the network and the sim.
// Frames arrive redundantly (every PlayerInput repeats the ones not yet
// acknowledged); only newer sequences are queued, at most kMaxQueuedFrames
// (a client running ahead of the server, or lying, cannot bank input). The
// sim takes exactly one per tick: no speed hack by sending more. Without a
// new frame the last input is held; after kHoldTicks the player goes idle.
//
// Where the game-feel work plugs in: what next() hands the sim each tick
// (time dilation would stretch or squeeze the queue here).
//
// Thread: the game thread.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

#include "tickwire/game/protocol/wire.hpp"

namespace tickwire::game::server {

class InputQueue {
public:
    static constexpr std::size_t kMaxQueuedFrames = 8;  // input buffered ahead of the sim, ~133 ms
    static constexpr int kHoldTicks = 30;               // last input held this long (0.5 s), then idle

    /// What the sim does with this player this tick.
    struct Next {
        enum class Kind : std::uint8_t { frame, hold, idle } kind = Kind::hold;
        protocol::Frame frame{};  ///< for Kind::frame
    };

    /// Queues the frames newer than any seen (a range of `const Frame*`, as a
    /// verified PlayerInput's frames() is); returns how many old ones were
    /// dropped to keep the queue bounded.
    template <class Frames>
    std::size_t push(const Frames& frames) {
        for (const protocol::Frame* f : frames) offer(*f);
        return trim();
    }
    /// The frame for this tick, or hold the last input, or (once, after
    /// kHoldTicks without input) go idle.
    Next next();

    /// Sequence of the newest frame the sim has applied (Snapshot.last_input_sequence).
    [[nodiscard]] std::uint32_t applied_sequence() const noexcept { return applied_sequence_; }
    [[nodiscard]] std::size_t size() const noexcept { return frames_.size(); }

private:
    void offer(const protocol::Frame& frame);
    std::size_t trim();

    std::deque<protocol::Frame> frames_;  // oldest first
    std::uint32_t newest_sequence_ = 0;   // highest sequence received
    std::uint32_t applied_sequence_ = 0;  // highest applied by the sim
    int ticks_without_input_ = 0;
};

}  // namespace tickwire::game::server
