#pragma once
// TimeDilation: the client's input clock. Each frame is stamped with the
// server tick it is for (InputFrame.tick), one tick after the last, and the
// frames are sampled a little faster or slower than the loop ticks (within
// kMaxDilation, +-5 %) so that they reach the server a little before their
// tick: faster when the server says they come late, slower when they pile up.
// After a stall or a latency step the client catches up by dilating, not by
// skipping or repeating ticks (Overwatch's approach).
//
// The server reports, with each snapshot, how early the frame it last
// applied arrived (Snapshot.input_lead). That is old news by a round trip;
// the client knows how much it has dilated since that frame was stamped
// (each frame's stamp minus the client's clock, kept per sequence), so it
// corrects for it and reacts at once without overshooting. Without reports
// (a server that applies frames first in first out) nothing is dilated and
// every frame is stamped from the clock estimate, as before.
//
// The lead aimed at follows the late tail of arrivals, as a jitter buffer
// does: the server measures how much later than usual the late frames come
// (Snapshot.input_jitter_ms, its 98th percentile), and a usual lead of that
// many ticks keeps them on time. The target is that, at least kMinTarget and
// at most kMaxTarget; it rises at once and falls by kTargetFall a second.
//
// Frames can only be moved by whole ticks (one more, or one fewer, in a loop
// tick), so the lead is left alone while it is within half a tick of the
// target (a little less below it, a little more above: when in doubt, on
// time). Chasing the fraction made the client sample two frames in one tick
// and none in the next, over and over, and every "none" before a "two" made
// a frame a tick late: on a real machine that, not the network, was most of
// the held inputs.
//
// Frames sent every few ticks (ClientConfig::input_send_interval) wait here
// before they leave: each frame's offset is taken from when it leaves
// (set_send_wait), so the link's share stays one figure, and the lead aimed
// at rises by half the batch: stamps run a tick apart while a batch leaves
// at once, so the first frame of a batch arrives (interval - 1) / 2 ticks
// earlier than the average, and it too must be on time.
//
// Times are microseconds on the client's clock (ClientConfig::clock).
//
// Thread: the game thread.

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>

#include "ewma.hpp"

namespace tickwire::game {

class TimeDilation {
public:
    static constexpr double kMaxDilation = 0.05;   // +-5 % of the tick rate
    static constexpr double kMinTarget = 1.0;      // ticks of lead aimed at, at least...
    static constexpr double kMaxTarget = 6.0;      // ...and at most (100 ms at 60 Hz): beyond, a held tick is cheaper
    static constexpr double kTargetFall = 0.5;     // ticks a second the target falls after jitter subsides
    static constexpr double kSlackBelow = 0.4;     // a lead this little below the target is left alone...
    static constexpr double kSlackAbove = 0.6;     // ...and this little above it
    static constexpr double kGain = 0.05;          // dilation per tick of error (full at 1 tick)
    static constexpr double kReanchorTicks = 10;   // further off than this: re-stamp from the clock

    explicit TimeDilation(double tick_us) : tick_us_(tick_us) {}

    /// A fresh session, or one resumed after an outage: stamp from the clock again.
    void reset() noexcept;

    /// Once per loop tick: how many frames to sample now (0, 1 or 2; 1 when
    /// not dilating).
    [[nodiscard]] int frames_due() noexcept;
    /// Frames are sent every `ticks` ticks (1: every tick).
    void set_send_interval(int ticks) noexcept { batch_lead_ = (std::max(ticks, 1) - 1) / 2.0; }
    /// Ticks until a frame sampled now leaves (this loop tick).
    void set_send_wait(int ticks) noexcept { send_wait_ = ticks; }
    /// The stamp of the frame being sampled now (sequence `sequence`), given
    /// the clock's estimate of the server tick a frame sent now is read in.
    std::uint32_t stamp(std::uint32_t sequence, double arrival_tick, std::int64_t now) noexcept;
    /// A snapshot's input_lead for the frame `sequence` (the newest the
    /// server applied; empty when the server does not report one) and its
    /// input_jitter_ms.
    void on_lead(std::optional<std::int8_t> lead, std::uint8_t jitter_ms, std::uint32_t sequence) noexcept;

    /// Frames sampled per loop tick: 1 +- kMaxDilation.
    [[nodiscard]] double scale() const noexcept { return scale_; }
    /// Ticks early a frame sent now is expected to reach the server (0 until reported).
    [[nodiscard]] double lead_ticks() const noexcept { return reported_ ? base_.value + offset_ : 0; }
    /// The lead aimed at, from the late tail of arrivals the server reports.
    [[nodiscard]] double target_ticks() const noexcept { return target_; }

private:
    struct Sent {
        std::uint32_t sequence = 0;
        double offset = 0;  // stamp minus the client's clock, in ticks
    };

    double tick_us_;
    double scale_ = 1, accumulator_ = 0;
    bool reported_ = false;  // the server reports leads: dilate
    bool anchored_ = false;  // stamps continue from last_stamp_
    std::uint32_t last_stamp_ = 0;
    std::uint32_t reported_sequence_ = 0;  // of the newest report taken
    double offset_ = 0;      // of the newest frame
    Ewma base_;              // lead minus offset: the link's share, independent of dilation
    double wanted_ = kMinTarget;  // from the newest jitter report
    double target_ = kMinTarget;  // follows wanted_: up at once, down slowly
    double batch_lead_ = 0;       // added to the target: half a batch of frames
    int send_wait_ = 0;           // ticks until the frame sampled now leaves
    std::array<Sent, 256> sent_{};
};

}  // namespace tickwire::game
