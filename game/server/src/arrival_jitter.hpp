#pragma once
// ArrivalJitter: how much later than usual one player's input frames reach
// the server (Snapshot.input_jitter_ms). The client keeps its frames' lead
// above it (time_dilation.hpp), the way a jitter buffer sizes itself on the
// late tail of arrivals rather than on their average.
//
// One sample per tick in which the player's frames arrived: the lead of the
// latest of them (its tick minus the tick it arrived for), so the burst
// after a stall is one late arrival, not fifteen. A sample's lateness is how
// far it falls behind the usual lead (the median of the last kUsual
// samples: a stall's one sample does not move it, and after a step in
// latency it has moved within a few). The figure is the 98th percentile of
// the last kWindow latenesses (~4 s at 60 Hz): late arrivals that keep
// coming back raise it within a few samples, and it falls as they age out.
// A stall or a latency step is one late sample, or a few, and leaves it
// alone: no lead worth its input delay would absorb a stall.
//
// Leads are whole ticks, and so are latenesses: a client whose median lead
// is the figure has 98 % of its arrivals on time.
//
// Constant memory (a ring and a histogram of quarter ticks), nothing
// allocated per sample.
//
// Thread: the game thread.

#include <array>
#include <cstddef>
#include <cstdint>

namespace tickwire::game::server {

class ArrivalJitter {
public:
    static constexpr std::size_t kWindow = 256;    ///< samples the percentile is over
    static constexpr std::size_t kUsual = 8;       ///< samples the usual lead is the median of
    static constexpr double kPercentile = 0.98;
    static constexpr int kMaxTicks = 15;           ///< later than this counts as this

    /// A frame that arrived in time for `arrival_tick`, `lead` ticks before
    /// its own tick (< 0: that many ticks late).
    void arrived(std::uint32_t arrival_tick, int lead) noexcept;
    /// The 98th percentile of recent latenesses, in ticks (0 without samples).
    [[nodiscard]] int ticks() const noexcept;

private:
    void commit(int lead) noexcept;

    bool open_ = false;               // a tick's arrivals are being gathered
    std::uint32_t open_tick_ = 0;
    int open_lead_ = 0;               // the lowest lead seen for open_tick_
    std::array<int, kUsual> recent_{};          // the last samples' leads
    std::size_t recent_count_ = 0, recent_next_ = 0;
    std::array<std::uint8_t, kWindow> ring_{};  // lateness of each sample, oldest overwritten
    std::size_t count_ = 0, next_ = 0;
    std::array<std::uint16_t, kMaxTicks + 1> bins_{};  // how many samples in the window were that late
};

}  // namespace tickwire::game::server
