#pragma once
// ServerShared: what a Server's game thread and network thread share — the
// command queue (game → network), the event queue (network → game), wake flags
// and counters. Nothing else crosses between them.

#include <atomic>
#include <cstdint>

#include "network_loop.hpp"
#include "spsc.hpp"
#include "tickwire/net/server.hpp"

namespace tickwire::net {

struct ServerShared {
    explicit ServerShared(ServerOptions opts)
        : options(std::move(opts)), commands(options.send_queue_capacity), events(options.receive_queue_capacity) {}

    ~ServerShared() {
        detail::drain_and_release(commands);
        detail::drain_and_release(events);
    }

    const ServerOptions options;  // network_thread reset: see Server::listen
    detail::SpscQueue<detail::Command> commands;
    detail::SpscQueue<detail::RawEvent> events;

    detail::NetworkLoop* loop = nullptr;  ///< not owned; the Server owns it
    std::uint16_t port = 0;                 ///< set before the network thread starts
    bool tls = false;

    std::atomic<bool> wake_requested{false};
    std::atomic<bool> abandoned{false};
    std::size_t unflushed = 0;  ///< game thread only

    std::atomic<std::uint64_t> connections_accepted{0}, connections_open{0};
    std::atomic<std::uint64_t> rejected_over_capacity{0}, slow_consumers_closed{0};
    std::atomic<std::uint64_t> rejected_per_ip{0}, handshakes_failed{0};
    std::atomic<std::uint64_t> messages_in{0}, bytes_in{0}, messages_out{0}, bytes_out{0};
    std::atomic<std::uint64_t> dropped_out{0}, superseded{0};
    std::atomic<std::uint64_t> sessions_resumed{0}, sessions_expired{0}, resumes_refused{0}, sessions_held{0};
    std::atomic<std::uint64_t> reads_paused{0};
    std::atomic<std::uint64_t> http_requests{0}, http_requests_unanswered{0}, static_files_served{0};
    std::atomic<std::uint64_t> commands_pushed{0}, commands_popped{0};
    std::atomic<std::uint64_t> events_pushed{0}, events_popped{0};
    std::atomic<std::uint64_t> event_bytes_popped{0};  ///< message bytes the game has polled (the outbox's byte budget)
};

}  // namespace tickwire::net
