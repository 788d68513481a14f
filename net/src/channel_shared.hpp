#pragma once
// ChannelShared: everything a Channel's game thread and network thread share —
// two SPSC queues, the truthful state, stats counters and wake flags. Nothing
// else crosses between them.
//
// Thread: `commands` is produced by the game thread and consumed by the network
// thread; `events` the reverse. Atomics may be read by any thread.

#include <atomic>
#include <cstdint>

#include "network_loop.hpp"
#include "spsc.hpp"
#include "tickwire/net/channel.hpp"

namespace tickwire::net {

struct ChannelShared {
    ChannelShared(std::string url_in, ChannelOptions opts)
        : url(std::move(url_in)),
          options(std::move(opts)),
          commands(options.send_queue_capacity),
          events(options.receive_queue_capacity) {}

    ~ChannelShared() {
        detail::drain_and_release(commands);
        detail::drain_and_release(events);
    }

    const std::string url;
    const ChannelOptions options;

    detail::SpscQueue<detail::Command> commands;  // game → network
    detail::SpscQueue<detail::RawEvent> events;   // network → game

    /// Not owned (the Channel owns the thread); used by the game thread to wake it.
    detail::NetworkLoop* loop = nullptr;

    std::atomic<ChannelState> state{ChannelState::connecting};
    std::atomic<bool> wake_requested{false};
    std::atomic<bool> abandoned{false};  ///< the Channel was destroyed; close and go

    // Close request: written by the game thread before `close_requested` is set
    // (release); read by the network thread after it sees the flag (acquire).
    std::uint16_t close_code = close_code::normal;
    Message close_reason;
    std::atomic<bool> close_requested{false};

    std::size_t unflushed = 0;  ///< game thread only: commands since the last flush

    // Counters (relaxed atomics; writers noted).
    std::atomic<std::uint64_t> messages_out{0}, bytes_out{0};  // network thread
    std::atomic<std::uint64_t> messages_in{0}, bytes_in{0};    // network thread
    std::atomic<std::uint64_t> rtt_us{0};                      // network thread
    std::atomic<std::uint64_t> reconnects{0}, resumes{0}, netsim_disconnects{0};  // network thread
    std::atomic<std::uint64_t> reads_paused{0};                // network thread
    std::atomic<std::uint64_t> dropped_out{0}, flushes{0};     // game thread (dropped_out: both)
    std::atomic<std::uint64_t> commands_pushed{0}, commands_popped{0};
    std::atomic<std::uint64_t> events_pushed{0}, events_popped{0};
};

}  // namespace tickwire::net
