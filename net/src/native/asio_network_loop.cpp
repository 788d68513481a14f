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
    if (options.run_on_caller) caller_ = std::this_thread::get_id();
    else thread_ = std::thread([this] { io.run(); });
}

NetworkLoop::~NetworkLoop() {
    shutdown();
    ::close(event_fd_);
}

bool NetworkLoop::runs_here() const noexcept {
    return options.run_on_caller && caller_ == std::this_thread::get_id();
}

void NetworkLoop::wake() noexcept {
    if (runs_here()) {  // the next run serves it: no system call
        local_wake_ = true;
        return;
    }
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

void NetworkLoop::serve_local_wake() {
    if (!local_wake_) return;
    local_wake_ = false;
    wakeups.fetch_add(1, std::memory_order_relaxed);
    visit_woken_endpoints(endpoints_);
}

bool NetworkLoop::run_until(std::chrono::steady_clock::time_point deadline) {
    if (!runs_here() || io.stopped()) return false;
    serve_local_wake();
    io.poll();  // what is ready first: a frame that overran its tick still reads
    if (std::chrono::steady_clock::now() >= deadline) return true;
    // A timer (timerfd: precise to the timer slack) ends the wait; io's own
    // run_until would round its epoll timeout up to whole milliseconds.
    const std::uint64_t generation = ++deadline_armed_;
    deadline_timer_.expires_at(deadline);
    deadline_timer_.async_wait([this, generation](boost::system::error_code ec) {
        if (!ec) deadline_fired_ = generation;
    });
    while (deadline_fired_ != generation && !io.stopped()) {
        io.run_one();
        serve_local_wake();  // an endpoint woke another (a close answered at once)
    }
    return true;
}

bool NetworkLoop::run_once(std::chrono::steady_clock::time_point deadline) {
    if (!runs_here() || io.stopped()) return false;
    serve_local_wake();
    // One handler at a time: poll() would look at the reactor once more (an
    // epoll_wait) after serving what was ready, and the caller comes back
    // for the rest anyway.
    if (io.poll_one() == 0) io.run_one_until(deadline);
    serve_local_wake();
    return true;
}

void NetworkLoop::attach(Endpoint* endpoint) {
    attach_endpoint(endpoints_, endpoint);
}

void NetworkLoop::detach(Endpoint* endpoint) {
    detach_endpoint(endpoints_, endpoint);
}

void NetworkLoop::shutdown() {
    if (stopped_.exchange(true)) return;
    // On the caller: what its last frame flushed goes out before the closes
    // (a final snapshot, MatchServer::shutdown's 1001s).
    if (runs_here()) serve_local_wake();
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
    if (options.run_on_caller) {
        deadline_timer_.cancel();
        while (!io.stopped() && std::chrono::steady_clock::now() < deadline) {
            io.run_one_until(deadline);
            serve_local_wake();
        }
    }
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

bool NetworkThread::run_until(std::chrono::steady_clock::time_point deadline) { return loop_->run_until(deadline); }

bool NetworkThread::run_once(std::chrono::steady_clock::time_point deadline) { return loop_->run_once(deadline); }

}  // namespace tickwire::net
