#pragma once
// Prediction: the own ship, moved at once by the player's input with the
// sim's own movement code, and reconciled with each snapshot: the server's
// position plus every input it has not applied yet, replayed. A small error
// is shown as an offset that decays (~100 ms), a large one snaps.
//
// Keeps the input history (frames the server has not confirmed, sent again
// with every input message: redundancy instead of resends).
//
// Thread: the game thread.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <utility>

#include "tickwire/game/protocol/wire.hpp"

namespace tickwire::game {

class Prediction {
public:
    explicit Prediction(const sim::Arena& arena) : arena_(arena) {}

    /// A fresh session: no history, no own ship.
    void reset() noexcept;

    /// One tick of the player's input, stamped with the server tick it should
    /// run at; moves the predicted ship. Returns the frame to send.
    protocol::Frame record(const sim::Input& input, std::uint32_t stamp_tick);
    /// The sequence the next record() gives its frame.
    [[nodiscard]] std::uint32_t next_sequence() const noexcept { return sequence_ + 1; }
    /// Copies the newest unconfirmed frames (at most out.size()), oldest
    /// first; returns how many.
    std::size_t unconfirmed(std::span<protocol::Frame> out) const noexcept { return unconfirmed_after(0, out); }
    /// The same, of those newer than `sequence` (the ones not yet sent).
    std::size_t unconfirmed_after(std::uint32_t sequence, std::span<protocol::Frame> out) const noexcept;

    /// A snapshot arrived: `own` is the own ship in it (null if absent),
    /// `last_input_sequence` the newest input the server applied, and
    /// `held_ticks` how many ticks its ship has run on a held input since
    /// (Snapshot.input_held_ticks). While that is 1..kMaxReplacedHeldTicks
    /// the server will move the ship again with the late frames, so a living
    /// ship keeps its prediction: no correction towards a move to be undone
    /// (for at most kMaxKeptCourse snapshots in a row). 0 from a server that
    /// does not say (or applies frames first in, first out).
    void reconcile(const protocol::Entity* own, std::uint32_t last_input_sequence, int held_ticks);
    /// Per tick: the shown error decays towards the true prediction.
    void decay() noexcept;

    [[nodiscard]] bool known() const noexcept { return known_; }
    [[nodiscard]] bool alive() const noexcept { return alive_; }
    /// Where to draw the own ship, world units (prediction plus the decaying error).
    [[nodiscard]] float x() const noexcept;
    [[nodiscard]] float y() const noexcept;
    /// The predicted ship itself, without the decaying error shown.
    [[nodiscard]] const sim::Body& body() const noexcept { return predicted_; }
    /// Snapshots that moved the prediction (a mismatch with the server).
    [[nodiscard]] std::uint32_t corrections() const noexcept { return corrections_; }

    static constexpr std::size_t kHistory = 128;     // frames kept for replay (~2 s)
    static constexpr float kSnapDistance = 64.0f;     // world units: larger errors snap, smaller blend
    static constexpr float kCorrectionDecay = 0.85f;  // per tick: ~100 ms to absorb an error
    /// Snapshots in a row that may keep the course over a held move: a
    /// whole hold the server may make good (15 ticks) at 30 snapshots a
    /// second, and some.
    static constexpr int kMaxKeptCourse = 10;

private:
    const sim::Arena& arena_;
    std::uint32_t sequence_ = 0;
    std::deque<std::pair<protocol::Frame, sim::Input>> history_;  // unconfirmed, oldest first
    bool known_ = false, alive_ = false;
    sim::Body predicted_;
    float correction_x_ = 0, correction_y_ = 0;
    std::uint32_t corrections_ = 0;
    int kept_course_ = 0;  // snapshots in a row that kept the course over a held move
};

}  // namespace tickwire::game
