#pragma once
// NetworkLoop (native): the io_context, its thread, and the wake-up path from
// game threads.
//
// Wake-ups: a game thread's flush() sets its endpoint's `wake_requested` flag and
// then writes the thread's eventfd only if no wake is already armed, so any
// number of flushes from any number of channels before the network thread runs
// cost one eventfd write and one wake-up. The network thread then visits every
// attached endpoint whose flag is set. No mutex is taken on this path.

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "native/asio_scheduler.hpp"
#include "network_loop.hpp"

namespace tickwire::net::detail {

namespace asio = boost::asio;

class NetworkLoop {
public:
    explicit NetworkLoop(NetworkThreadOptions options);
    ~NetworkLoop();

    /// Any thread: make the network thread visit endpoints whose flag is set.
    void wake() noexcept;
    /// Network thread only.
    void attach(Endpoint* endpoint);
    void detach(Endpoint* endpoint);
    /// Creating thread: bounded graceful stop, then join.
    void shutdown();

    NetworkThreadOptions options;
    asio::io_context io{1};  // one thread: lets Asio skip internal locking
    AsioScheduler scheduler{io};
    std::atomic<std::uint64_t> wakeups{0};

private:
    void wait_for_wake();
    void on_wake_fd();

    asio::executor_work_guard<asio::io_context::executor_type> work_;
    int event_fd_ = -1;
    asio::posix::stream_descriptor wake_fd_;
    std::atomic<bool> wake_armed_{false};
    std::vector<Endpoint*> endpoints_;  // network thread only
    std::atomic<bool> stopped_{false};
    std::thread thread_;
};

}  // namespace tickwire::net::detail
