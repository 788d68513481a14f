// The level-triggered epoll set under the server's plain WebSockets.
#include "native/socket_poller.hpp"

#include <unistd.h>

#include <cerrno>
#include <memory>
#include <system_error>

namespace tickwire::net::detail {

SocketPoller::SocketPoller(boost::asio::io_context& io, std::function<void()> after_batch)
    : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)), descriptor_(io), after_batch_(std::move(after_batch)) {
    if (epoll_fd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
    descriptor_.assign(::dup(epoll_fd_));
}

SocketPoller::~SocketPoller() {
    boost::system::error_code ignored;
    descriptor_.close(ignored);
    ::close(epoll_fd_);
}

bool SocketPoller::add(int fd, Target* target, std::uint32_t events) noexcept {
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = target;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) return false;
    if (!waiting_ && !stopped_) wait();
    return true;
}

void SocketPoller::modify(int fd, Target* target, std::uint32_t events) noexcept {
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = target;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
}

void SocketPoller::remove(int fd) noexcept {
    epoll_event ignored{};
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, &ignored);
}

void SocketPoller::stop() {
    stopped_ = true;
    boost::system::error_code ignored;
    descriptor_.cancel(ignored);
}

// One wait on the Asio loop for the whole set.
void SocketPoller::wait() {
    waiting_ = true;
    descriptor_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                           [this, alive = std::weak_ptr<bool>(alive_)](boost::system::error_code ec) {
        if (alive.expired()) return;  // the poller is gone (its owner stopped)
        waiting_ = false;
        if (ec || stopped_) return;
        on_wake();
        if (!stopped_) wait();
    });
}

// Serve the sockets that are ready now; any left over (more than one batch)
// are still ready when the wait is re-armed, so it completes again at once.
void SocketPoller::on_wake() {
    const int n = ::epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()), 0);
    for (int i = 0; i < n; ++i) static_cast<Target*>(events_[static_cast<std::size_t>(i)].data.ptr)->on_ready(events_[static_cast<std::size_t>(i)].events);
    if (after_batch_) after_batch_();
}

}  // namespace tickwire::net::detail
