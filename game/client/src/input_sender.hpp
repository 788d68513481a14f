#pragma once
// InputSender: which input frames leave in this tick's input packet.
//
// Each frame is sent once. Over TCP nothing is lost inside a connection, and
// in session mode net resends, exactly once and in order, the reliable
// messages a dropped connection did not deliver; so inputs go reliable and
// nothing repeats them. (Until protocol 4 every message repeated each frame
// the server had not yet confirmed, up to 32: a loss-recovery scheme made for
// UDP, which cost 21-25 KB/s of uplink at a 200 ms round trip.) The server
// counts a frame received twice or never (InputTiming::repeated, skipped).
//
// Frames go every `interval` ticks, the ones sampled since together in one
// message (fewer messages, fewer envelopes: ClientConfig::input_send_interval).
// A frame is stamped for the tick it can reach the server by, its wait here
// included (ticks_until_send), so it is applied on time, and as late as the
// wait: (interval - 1) / 2 ticks more input latency on average, a shot too.
//
// Thread: the game thread.

#include <cstddef>
#include <cstdint>
#include <span>

#include "prediction.hpp"
#include "tickwire/game/client_core.hpp"
#include "tickwire/game/protocol/wire.hpp"

namespace tickwire::game {

class InputSender {
public:
    explicit InputSender(int interval_ticks) noexcept;

    /// Once per tick, after sampling: copies the frames due now, oldest first,
    /// into `out`, and returns how many (0: none due this tick).
    std::size_t due(const Prediction& prediction, std::span<protocol::Frame> out) noexcept;
    /// A new session (the server forgot us): nothing pending.
    void reset() noexcept { ticks_waiting_ = 0; }
    /// Ticks until a frame sampled now leaves (0: in this tick's message).
    [[nodiscard]] int ticks_until_send() const noexcept { return interval_ - 1 - ticks_waiting_; }

    [[nodiscard]] int interval() const noexcept { return interval_; }

private:
    int interval_;
    int ticks_waiting_ = 0;      // ticks since the last message went
    std::uint32_t sent_ = 0;     // the newest frame's sequence handed to net
};

}  // namespace tickwire::game
