#pragma once
// WsHub: a server's open WebSockets as a group. Whatever can be done once for
// all of them is done here, once:
//  - their plain sockets are read through one SocketPoller, into one read
//    buffer (an idle connection holds none);
//  - one sweep timer checks every connection's idle, close and linger
//    deadlines and sends its pings (no timer per connection, none re-armed
//    per message);
//  - connections with frames to write are flushed together at the end of
//    each turn of the loop: whatever the game queued between two flush()es,
//    and whatever a batch of reads produced, leaves in one gathered write.
//
// Thread: network thread only.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "native/socket_poller.hpp"
#include "scheduler.hpp"

namespace tickwire::net::detail {

class WsHub : public std::enable_shared_from_this<WsHub> {
public:
    /// One open WebSocket as the hub sees it.
    class Member {
    public:
        virtual ~Member() = default;
        /// Write what is queued: one gathered write (or continue a blocked one).
        virtual void flush() = 0;
        /// The sweep: deadlines and pings (what it queues rides on the next
        /// write, or goes now if the connection has been quiet for a period).
        virtual void sweep(SteadyTime now) = 0;

    private:
        friend class WsHub;
        std::size_t hub_index_ = static_cast<std::size_t>(-1);
        bool flush_queued_ = false;
    };

    /// `sweep_period`: how often deadlines are checked (their precision);
    /// `read_pace`: the poller's (ServerOptions::read_pace).
    WsHub(boost::asio::io_context& io, std::chrono::milliseconds sweep_period, std::chrono::microseconds read_pace);

    void add(const std::shared_ptr<Member>& member);
    /// Its socket is closed: forget it (released after the current turn, so a
    /// batch of poll events never reaches a destroyed member).
    void remove(Member& member);
    /// Flush `member` at the end of this turn of the loop.
    void want_flush(Member& member);

    /// Shared by every plain socket's reads (the bytes are parsed at once).
    std::span<std::byte> read_buffer();
    SocketPoller& poller() noexcept { return poller_; }

    /// The server stopped: once the last member is gone, stop the poller and
    /// the sweep (so the loop can run out of work) and call `on_empty`.
    void stop(std::function<void()> on_empty);
    /// The loop stopped before the members finished: drop them (their
    /// sockets close as they are destroyed). Any thread, the loop being gone.
    void abandon() noexcept;

private:
    void flush_all();
    void arm_sweep();
    void sweep();
    void check_stopped();

    boost::asio::io_context& io_;
    std::chrono::milliseconds sweep_period_;
    SocketPoller poller_;
    boost::asio::steady_timer sweep_timer_;
    std::vector<std::shared_ptr<Member>> members_;
    std::vector<std::shared_ptr<Member>> dirty_, flushing_;  // flushing_: dirty_'s spare, swapped in
    std::vector<std::shared_ptr<Member>> removed_;           // released at the end of the turn
    std::vector<std::byte> read_buffer_;
    std::function<void()> on_empty_;
    bool flush_posted_ = false;
    bool sweep_armed_ = false;
    bool stopping_ = false;
};

}  // namespace tickwire::net::detail
