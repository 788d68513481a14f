#pragma once
// The seam between the game-thread side (Channel, Server) and the event loop
// of a backend chosen at build time: native/ (Asio on a NetworkThread) or
// browser/ (the page's own event loop, in the Emscripten build). Each backend defines
// NetworkLoop, the free functions below and NetworkThread's own members
// (create, destructor, wakeups); its start_channel builds a Connector
// (client/transport.hpp) and hands it to run_channel_driver
// (client/channel_driver.hpp). This header includes no Boost, so channel.cpp
// and the portable channel driver compile for either.
//
// Thread: as noted per function.

#include <atomic>
#include <memory>

#include "tickwire/net/network_thread.hpp"

namespace tickwire::net {

struct ChannelShared;

namespace detail {

class Scheduler;

/// Something on the loop that game threads wake (a channel driver, a server).
/// Attached and detached on the loop's thread only.
class Endpoint {
public:
    virtual ~Endpoint() = default;
    /// Loop thread: the game side asked for service (flush, close, abandon).
    virtual void on_wake() = 0;
    /// Loop thread: the NetworkThread is shutting down; close gracefully.
    virtual void on_shutdown() = 0;
    /// The loop was stopped with this endpoint still attached: its peer never
    /// finished closing within the shutdown timeout. Drop every reference that
    /// keeps the endpoint alive by itself, so tearing down the loop frees it.
    /// Runs on the thread destroying the NetworkThread, after the loop stopped.
    virtual void on_abandoned() noexcept {}
    /// Set by game threads before wake(); cleared by the loop.
    std::atomic<bool>* wake_requested = nullptr;
};

struct NetworkThreadAccess {
    static NetworkLoop& loop(NetworkThread& thread) noexcept { return *thread.loop_; }
};

/// Any thread: make the loop visit the endpoints whose wake flag is set.
void wake(NetworkLoop& loop) noexcept;
/// Loop thread: an attached endpoint is woken, and told about shutdown.
void attach(NetworkLoop& loop, Endpoint* endpoint);
void detach(NetworkLoop& loop, Endpoint* endpoint);
/// Loop thread: the loop's timers.
Scheduler& scheduler(NetworkLoop& loop) noexcept;
/// Any thread: start the network side of a new channel. Every outcome,
/// including a malformed URL, arrives on the channel's stream.
void start_channel(NetworkLoop& loop, std::shared_ptr<ChannelShared> shared);

}  // namespace detail
}  // namespace tickwire::net
