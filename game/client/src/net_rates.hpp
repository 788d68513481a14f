#pragma once
// NetRates: the net graph's per-second figures (bytes in and out, snapshots,
// prediction corrections), over one-second windows.
//
// Thread: the game thread.

#include <cstdint>

#include "tickwire/game/client_view.hpp"
#include "tickwire/net/channel.hpp"

namespace tickwire::game {

class NetRates {
public:
    void count_snapshot() noexcept { ++snapshots_; }
    /// Once per tick: when a second has passed, fills the rates of `out`.
    /// `corrections` is Prediction::corrections() (a running total).
    void update(std::int64_t now, const net::ChannelStats& channel, std::uint32_t corrections, NetStats& out);

private:
    std::int64_t window_start_ = 0;
    std::uint64_t bytes_in_ = 0, bytes_out_ = 0;  // channel totals at the window's start
    std::uint32_t snapshots_ = 0;                  // in this window
    std::uint32_t corrections_ = 0;                // total at the window's start
};

}  // namespace tickwire::game
