#pragma once
// SocketPoller: the server's plain WebSocket sockets in one epoll set,
// itself waited on as a single descriptor of the Asio loop. Sockets are
// level-triggered unless their target asks for EPOLLET (piggyback_acks).
//
// Why not Asio's reactor per socket: it registers sockets edge-triggered, so
// after each message it either probes with a read that fails (EAGAIN: half of
// the match server's recvmsg calls, measured with bench/net/syscalls.sh) or,
// for an explicit wait, re-arms the socket with epoll_ctl. Level-triggered,
// a socket is read when it has bytes and at no other time; a whole batch of
// ready sockets costs one epoll_wait.
//
// The set itself sits in Asio's epoll edge-triggered too. An async_wait on it
// would re-arm it with epoll_ctl after every batch (a third of a system call
// per echoed message, bench/net/echo_syscalls.sh), so on the Boost versions
// whose reactor interface it knows, the poller queues its own reactor
// operation instead (socket_poller.cpp says how). Elsewhere it falls back to
// async_wait.
//
// Paced (a `pace` > 0, ServerOptions::read_pace), a busy set is served on a
// timer instead: after a serve that found sockets ready, the next is `pace`
// later, edge or not, and until then no socket's bytes wake the thread (the
// set sits in Asio's epoll behind a gate, an epoll set holding only it, which
// is shut meanwhile). A serve that finds nothing opens the gate and waits for
// the next edge again, so an idle server is not woken at all. That turns one
// wake-up per message or two into one per pace, most of a match server's
// wake-ups and context switches.
//
// Thread: network thread only; the io_context must be run by that one thread
// and outlive the poller. The destructor may also run where the loop's owner
// abandons it after the network thread has ended.
// After stop(), sockets may still be added and changed but are not served.

#include <sys/epoll.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/version.hpp>

// Asio's reactor_op and epoll_reactor::start_op, as Boost 1.81 (Debian 12's,
// the one built and tested here) has them; their signatures changed in other
// releases (1.84 added immediate completions to start_op). Defining
// TICKWIRE_POLLER_REACTOR_OP=0 builds the async_wait instead (to compare).
#ifndef TICKWIRE_POLLER_REACTOR_OP
#if defined(__linux__) && BOOST_VERSION >= 108100 && BOOST_VERSION < 108200 && \
    !defined(BOOST_ASIO_HAS_IO_URING_AS_DEFAULT) && !defined(BOOST_ASIO_DISABLE_EPOLL)
#define TICKWIRE_POLLER_REACTOR_OP 1
#else
#define TICKWIRE_POLLER_REACTOR_OP 0
#endif
#endif
#if TICKWIRE_POLLER_REACTOR_OP
#include <boost/asio/detail/reactor.hpp>
#else
#include <boost/asio/posix/stream_descriptor.hpp>
#endif

#include "scheduler.hpp"

namespace tickwire::net::detail {

class SocketPoller {
public:
    /// A registered socket's owner. on_ready runs on the network thread.
    class Target {
    public:
        virtual ~Target() = default;
        /// `events`: EPOLLIN / EPOLLRDHUP / EPOLLOUT / EPOLLERR / EPOLLHUP, as
        /// epoll reported them. True if the socket may still be ready for what
        /// it is watched for (the target read its share for this wake-up), so
        /// the set is looked at again soon: the poller hears of a socket again
        /// only when something new happens to it.
        virtual bool on_ready(std::uint32_t events) = 0;
    };

    /// `after_batch` runs after each batch of ready sockets (flush writes, release the dead).
    /// `pace`: while sockets keep being ready, serve the set once per `pace`
    /// (0: at every edge; see above).
    SocketPoller(boost::asio::io_context& io, std::function<void()> after_batch,
                 std::chrono::microseconds pace = std::chrono::microseconds(0));
    ~SocketPoller();
    SocketPoller(const SocketPoller&) = delete;
    SocketPoller& operator=(const SocketPoller&) = delete;

    /// Watch `fd` for `events` (EPOLLIN, EPOLLRDHUP, EPOLLOUT; EPOLLET for a
    /// target that reads until a short read). False if epoll refused it.
    bool add(int fd, Target* target, std::uint32_t events) noexcept;
    /// Change what `fd` is watched for from `previous` to `events` (0 =
    /// nothing, but stay registered). Bytes that are already there when
    /// EPOLLIN is added are served; room that is already there when EPOLLOUT
    /// is added may not be reported, so the target tries its write once more
    /// after adding it.
    void modify(int fd, Target* target, std::uint32_t events, std::uint32_t previous) noexcept;
    /// Before closing `fd`.
    void remove(int fd) noexcept;
    /// Stop waiting (the server is gone); registered sockets are not touched.
    void stop();

private:
    void wait(bool at_once = false);
    void cancel_wait();
    void on_wake(const boost::system::error_code& ec);
    void serve_then_wait();
    struct Batch {
        int ready = 0;      // sockets epoll reported
        bool more = false;  // some may still be ready with no new edge to say so
    };
    Batch serve();
    void recheck();

    void make_pacing(boost::asio::io_context& io);
    int wait_fd() const noexcept { return gate_fd_ >= 0 ? gate_fd_ : epoll_fd_; }
    void open_gate(bool open) noexcept;
    bool reopen_gate_found_bytes() noexcept;

    int epoll_fd_ = -1;  // the sockets
    // Paced only: an epoll set holding epoll_fd_ alone, and what Asio waits on
    // instead of it. Shut (epoll_fd_ watched for no bytes) while paced, so a
    // socket's bytes wake no one until the paced serve.
    int gate_fd_ = -1;
    bool gate_open_ = true;
#if TICKWIRE_POLLER_REACTOR_OP
    class ReadyOp;
    boost::asio::detail::reactor& reactor_;
    boost::asio::detail::reactor::per_descriptor_data reactor_data_{};
    ReadyOp* op_ = nullptr;  // reused for every wait; frees itself if it outlives the poller
#else
    boost::asio::posix::stream_descriptor descriptor_;  // a dup of epoll_fd_ on the Asio loop
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // a completed wait checks it first
#endif
    std::function<void()> after_batch_;
    std::chrono::microseconds pace_;
    std::unique_ptr<Timer> pace_timer_;  // paced only: runs the next serve
    std::array<epoll_event, 256> events_{};
    bool waiting_ = false;   // a wait is queued or posted back, its completion is running, or a paced serve is due
    bool serving_ = false;   // inside serve()
    bool recheck_ = false;   // a socket may be ready with no edge to say so: serve once more
    bool stopped_ = false;
};

}  // namespace tickwire::net::detail
