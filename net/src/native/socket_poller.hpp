#pragma once
// SocketPoller: the server's plain WebSocket sockets in one level-triggered
// epoll set, itself waited on as a single descriptor of the Asio loop.
//
// Why not Asio's reactor per socket: it registers sockets edge-triggered, so
// after each message it either probes with a read that fails (EAGAIN: half of
// the match server's recvmsg calls, measured with bench/net/syscalls.sh) or,
// for an explicit wait, re-arms the socket with epoll_ctl. Level-triggered,
// a socket is read when it has bytes and at no other time; a whole batch of
// ready sockets costs one epoll_wait and one re-arm of this set.
//
// Thread: network thread only.

#include <sys/epoll.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

namespace tickwire::net::detail {

class SocketPoller {
public:
    /// A registered socket's owner. on_ready runs on the network thread.
    class Target {
    public:
        virtual ~Target() = default;
        /// EPOLLIN / EPOLLOUT / EPOLLERR / EPOLLHUP, as epoll reported them.
        virtual void on_ready(std::uint32_t events) = 0;
    };

    /// `after_batch` runs after each batch of ready sockets (flush writes, release the dead).
    SocketPoller(boost::asio::io_context& io, std::function<void()> after_batch);
    ~SocketPoller();
    SocketPoller(const SocketPoller&) = delete;
    SocketPoller& operator=(const SocketPoller&) = delete;

    /// Watch `fd` for `events` (EPOLLIN and/or EPOLLOUT). False if epoll refused it.
    bool add(int fd, Target* target, std::uint32_t events) noexcept;
    /// Change what `fd` is watched for (0 = nothing, but stay registered).
    void modify(int fd, Target* target, std::uint32_t events) noexcept;
    /// Before closing `fd`.
    void remove(int fd) noexcept;
    /// Stop waiting (the server is gone); registered sockets are not touched.
    void stop();

private:
    void wait();
    void on_wake();

    int epoll_fd_ = -1;
    boost::asio::posix::stream_descriptor descriptor_;  // a dup of epoll_fd_ on the Asio loop
    std::function<void()> after_batch_;
    std::array<epoll_event, 256> events_{};
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // a completed wait checks it first
    bool waiting_ = false;
    bool stopped_ = false;
};

}  // namespace tickwire::net::detail
