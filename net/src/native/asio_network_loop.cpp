#include "native/asio_network_loop.hpp"

#include "tickwire/net/network_thread.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <boost/asio/post.hpp>

#include "endpoint_list.hpp"


namespace tickwire::net {
namespace detail {

NetworkLoop::NetworkLoop(NetworkThreadOptions opts)
    : options(opts),
      work_(asio::make_work_guard(io)),
      event_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
      wake_fd_(io) {
    if (event_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
    wake_fd_.assign(::dup(event_fd_));
    wait_for_wake();
    thread_ = std::thread([this] { io.run(); });
}

NetworkLoop::~NetworkLoop() {
    shutdown();
    ::close(event_fd_);
}

void NetworkLoop::wake() noexcept {
    if (wake_armed_.exchange(true)) return;  // a wake-up is already on its way
    const std::uint64_t one = 1;
    // Non-blocking; EAGAIN only if the counter would overflow, which still wakes.
    [[maybe_unused]] const auto written = ::write(event_fd_, &one, sizeof one);
}

void NetworkLoop::wait_for_wake() {
    wake_fd_.async_wait(asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
        if (ec) return;  // descriptor closed at shutdown
        on_wake_fd();
        wait_for_wake();
    });
}

void NetworkLoop::on_wake_fd() {
    std::uint64_t count = 0;
    [[maybe_unused]] const auto read = ::read(event_fd_, &count, sizeof count);
    wakeups.fetch_add(1, std::memory_order_relaxed);
    // Disarm before scanning: a flag set after this point re-arms and wakes again.
    wake_armed_.store(false);
    visit_woken_endpoints(endpoints_);
}

void NetworkLoop::attach(Endpoint* endpoint) {
    attach_endpoint(endpoints_, endpoint);
}

void NetworkLoop::detach(Endpoint* endpoint) {
    detach_endpoint(endpoints_, endpoint);
}

void NetworkLoop::shutdown() {
    if (stopped_.exchange(true)) return;
    // Ask every endpoint to close gracefully, then let the io_context run out of
    // work; sockets still open after the timeout are dropped by stopping it.
    asio::post(io, [this] {
        const auto snapshot = endpoints_;
        for (Endpoint* endpoint : snapshot) endpoint->on_shutdown();
        boost::system::error_code ignored;
        wake_fd_.close(ignored);
        work_.reset();
    });
    const auto deadline = std::chrono::steady_clock::now() + options.shutdown_timeout;
    while (!io.stopped() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    io.stop();
    if (thread_.joinable()) thread_.join();
    // The network thread is gone: what is still attached would otherwise keep
    // itself alive (a channel and its connection attempt refer to each other).
    const auto abandoned = endpoints_;
    endpoints_.clear();
    for (Endpoint* endpoint : abandoned) endpoint->on_abandoned();
}

void wake(NetworkLoop& loop) noexcept { loop.wake(); }
void attach(NetworkLoop& loop, Endpoint* endpoint) { loop.attach(endpoint); }
void detach(NetworkLoop& loop, Endpoint* endpoint) { loop.detach(endpoint); }
Scheduler& scheduler(NetworkLoop& loop) noexcept { return loop.scheduler; }

}  // namespace detail

std::shared_ptr<NetworkThread> NetworkThread::create(NetworkThreadOptions options) {
    return std::shared_ptr<NetworkThread>(new NetworkThread(std::make_unique<detail::NetworkLoop>(options)));
}

NetworkThread::NetworkThread(std::unique_ptr<detail::NetworkLoop> loop) : loop_(std::move(loop)) {}

NetworkThread::~NetworkThread() = default;

std::uint64_t NetworkThread::wakeups() const noexcept { return loop_->wakeups.load(std::memory_order_relaxed); }

}  // namespace tickwire::net
