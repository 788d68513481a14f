#pragma once
// NetworkLoop (native): the io_context, its thread, and the wake-up path from
// game threads.
//
// Wake-ups: a game thread's flush() sets its endpoint's `wake_requested` flag and
// then writes the thread's eventfd only if no wake is already armed, so any
// number of flushes from any number of channels before the network thread runs
// cost one eventfd write and one wake-up. The network thread then visits every
// attached endpoint whose flag is set. No mutex is taken on this path.
//
// Run on the caller (options.run_on_caller): no thread; the creating thread
// runs `io` in run_until()/run_once(). Its own flushes then only set a flag that
// the next run serves (no eventfd round trip); other threads still write the
// eventfd.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

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
    /// run_on_caller only, creating thread; false otherwise.
    bool run_until(std::chrono::steady_clock::time_point deadline);
    bool run_once(std::chrono::steady_clock::time_point deadline);

    NetworkThreadOptions options;
    asio::io_context io{1};  // one thread: lets Asio skip internal locking
    AsioScheduler scheduler{io};
    std::atomic<std::uint64_t> wakeups{0};

private:
    void wait_for_wake();
    void on_wake_fd();
    [[nodiscard]] bool runs_here() const noexcept;
    void serve_local_wake();

    std::thread::id caller_;  // run_on_caller: the thread that runs io; else none
    bool local_wake_ = false;  // run_on_caller: a flush on that thread is waiting
    asio::steady_timer deadline_timer_{io};
    std::uint64_t deadline_armed_ = 0, deadline_fired_ = 0;  // run_until's generations

    asio::executor_work_guard<asio::io_context::executor_type> work_;
    int event_fd_ = -1;
    asio::posix::stream_descriptor wake_fd_;
    std::atomic<bool> wake_armed_{false};
    std::vector<Endpoint*> endpoints_;  // network thread only
    std::atomic<bool> stopped_{false};
    std::thread thread_;
};

}  // namespace tickwire::net::detail
