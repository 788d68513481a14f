#pragma once
// InputQueue: one player's input frames between the network and the sim.
//
// Inputs on time (the default): every frame names the server tick it is for
// (InputFrame.tick), and the sim gets, each tick, the newest frame whose tick
// has come. A frame that arrives early waits for its tick; one that arrives
// late is applied in the first tick after it arrives; a backlog of late
// frames (the burst after a stall) is drained at once: the newest is
// applied and the older ones are merged into it (their fire presses are
// kept), so the queue is back to the client's small lead the tick after and
// the player's inputs are not delayed for the rest of the match. Never more
// than one frame per tick reaches the sim, whatever the client sends: no
// speed-up by sending more, or faster. Frames more than kMaxLeadTicks ahead
// of their arrival are refused, and at most kCapacity wait.
//
// report() tells the client how early its frames arrive (Snapshot.input_lead)
// and how much later than usual the late ones come (input_jitter_ms,
// arrival_jitter.hpp): the client dilates its tick rate to keep the lead just
// above that jitter, at least a tick (time_dilation.hpp).
//
// Mode::fifo is the queue before that (kept for the game-feel benchmark's
// "before" row): ticks ignored, one frame per tick first in first out, the
// oldest dropped beyond kFifoFrames, and no lead reported.
//
// Without a frame the last input is held; after kHoldTicks the player goes
// idle. On time, the frame that ends a hold brings the late frames' inputs
// (Next::late), and the ticks held are reported to the client
// (Snapshot.input_held_ticks): the server makes those moves good with the
// late inputs (World::replace_held_moves), so the client keeps its
// prediction meanwhile instead of correcting towards a held move. Only
// within a budget (held_moves_budget.hpp: making a hold good gives its
// player hindsight), and only when the late frames cover the hold but for
// at most one tick (a lone late frame undoes one held step, no more).
//
// Thread: the game thread.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "arrival_jitter.hpp"
#include "held_moves_budget.hpp"
#include "lag_compensation.hpp"
#include "tickwire/game/protocol/wire.hpp"

namespace tickwire::game::server {

/// What a snapshot tells its player about the player's inputs.
struct InputReport {
    std::uint32_t applied_sequence = 0;   ///< Snapshot.last_input_sequence
    std::optional<std::int8_t> lead;      ///< Snapshot.input_lead (empty: frames taken first in, first out)
    int jitter_ticks = 0;                 ///< Snapshot.input_jitter_ms, in ticks
    /// Snapshot.input_held_ticks: ticks run on a held input since the frame
    /// of applied_sequence, when the hold may yet be made good (on time,
    /// within sim::kMaxReplacedHeldTicks and the player's HeldMovesBudget);
    /// 0 otherwise: the client corrects towards the hold as before.
    std::uint8_t held_ticks = 0;
};

class InputQueue {
public:
    enum class Mode : std::uint8_t { on_time, fifo };

    static constexpr std::size_t kCapacity = 32;     // frames waiting, either mode
    static constexpr int kMaxLeadTicks = 30;         // 0.5 s: a frame further ahead is refused
    static constexpr std::size_t kFifoFrames = 8;    // Mode::fifo's bound, ~133 ms
    static constexpr int kHoldTicks = 30;            // last input held this long (0.5 s), then idle

    /// What the sim does with this player this tick.
    struct Next {
        enum class Kind : std::uint8_t { frame, hold, idle } kind = Kind::hold;
        sim::Input input{};           ///< for Kind::frame (fire includes merged frames')
        ShotView view;                ///< when its shooter saw the shot (none: unknown)
        std::uint32_t sequence = 0;   ///< of the frame applied
        std::uint32_t fire_sequence = 0;  ///< of the frame whose shot input.fire is (0: none)
        int wait = 0;                 ///< ticks it waited here past its arrival
        std::size_t merged = 0;       ///< late frames merged into it
        /// When the moves of a hold may be made good (on time, within the
        /// player's HeldMovesBudget, and the late frames cover the hold but
        /// for at most one tick): the ticks the sim ran on a held input just
        /// before this frame, and the merged frames' inputs, oldest first,
        /// for World::replace_held_moves. 0 otherwise: the hold stands.
        int held_ticks = 0;
        std::array<sim::Input, sim::kMaxReplacedHeldTicks> late{};
        std::size_t late_count = 0;
        bool counted_hold = false;    ///< Kind::hold while the client is sending (not gone quiet)
    };

    explicit InputQueue(Mode mode = Mode::on_time) : mode_(mode) {}

    /// What became of the frames of one message.
    struct Offered {
        std::size_t refused = 0;   ///< too far ahead, no room, or (Mode::fifo) dropped to stay within its bound
        std::size_t repeated = 0;  ///< sequences already received: sent twice (none, since each frame goes once)
        std::size_t skipped = 0;   ///< sequences jumped over: frames sent for this player that never came
        friend bool operator==(const Offered&, const Offered&) = default;
    };

    /// Queues the frames newer than any seen (oldest first, as an input
    /// packet holds them), read in the network drain before `tick` is
    /// simulated. `view` is the trusted view of the newest frame; older
    /// frames get it minus the difference of their ticks.
    Offered push(std::span<const protocol::Frame> frames, std::uint32_t tick, const ShotView& view);
    /// The input for `tick`: a frame, or hold the last input, or (once, after
    /// kHoldTicks without input) go idle.
    Next next(std::uint32_t tick);

    /// Sequence of the newest frame the sim has applied (Snapshot.last_input_sequence).
    [[nodiscard]] std::uint32_t applied_sequence() const noexcept { return applied_sequence_; }
    /// Snapshot.input_lead: how early the frame last applied arrived (its
    /// tick minus its arrival tick, < 0 when late); empty in Mode::fifo.
    [[nodiscard]] std::optional<std::int8_t> lead() const noexcept;
    /// The sequence, lead and arrival jitter for the next snapshot (no jitter in Mode::fifo).
    [[nodiscard]] InputReport report() const noexcept;
    [[nodiscard]] std::size_t size() const noexcept { return count_; }
    [[nodiscard]] Mode mode() const noexcept { return mode_; }

private:
    struct Entry {
        protocol::Frame frame{};
        std::uint32_t arrival = 0;  // the first tick it could have been applied in
        ShotView view;
    };
    static ShotView view_of(const protocol::Frame& f, std::uint32_t newest_tick, const ShotView& view) noexcept;
    void offer(const protocol::Frame& frame, std::uint32_t tick, const ShotView& view, Offered& offered);
    std::size_t trim();
    Entry& at(std::size_t i) noexcept { return ring_[(head_ + i) % kCapacity]; }
    void pop(std::size_t n) noexcept;

    Mode mode_;
    std::array<Entry, kCapacity> ring_{};  // by sequence, oldest first; no allocation
    std::size_t head_ = 0, count_ = 0;
    std::uint32_t newest_sequence_ = 0;    // highest sequence received
    std::uint32_t applied_sequence_ = 0;   // highest applied by the sim
    int applied_lead_ = 0;
    ArrivalJitter jitter_;
    int ticks_without_input_ = 0;
    bool ever_applied_ = false;
    HeldMovesBudget replace_budget_;
    [[nodiscard]] int replaceable_hold() const noexcept;
};

}  // namespace tickwire::game::server
