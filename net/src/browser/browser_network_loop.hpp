#pragma once
// NetworkLoop (browser): a page has one thread, so the "network thread" is
// the page's own event loop. The game's frame (emscripten_set_main_loop) is
// the game thread; the channel's SPSC queues stay the boundary, so game code
// is the same as natively, and net's code runs only from the event loop
// (WebSocket callbacks, timers, posted tasks), never inside a game call.
//
// Wake-ups: flush() sets its endpoint's flag and posts one task if none is
// pending; the task visits every endpoint whose flag is set.
//
// Lifetime: a NetworkThread that is let go cannot wait for its connections
// to close (nothing may block a page). The loop then retires: it tells its
// endpoints to close, and frees itself once the last one has detached, or
// after NetworkThreadOptions::shutdown_timeout, abandoning the rest.
//
// Thread: the page's main thread only.

#include <cstdint>
#include <memory>
#include <vector>

#include "browser/browser_scheduler.hpp"
#include "network_loop.hpp"

namespace tickwire::net::detail {

class NetworkLoop {
public:
    explicit NetworkLoop(NetworkThreadOptions options);
    ~NetworkLoop();
    NetworkLoop(const NetworkLoop&) = delete;
    NetworkLoop& operator=(const NetworkLoop&) = delete;

    void wake() noexcept;
    void attach(Endpoint* endpoint);
    void detach(Endpoint* endpoint);
    /// The NetworkThread let go of `loop`, which now owns itself (see above).
    static void retire(std::unique_ptr<NetworkLoop> loop);

    BrowserScheduler& scheduler = browser_scheduler();
    std::uint64_t wakeups = 0;

private:
    static void on_wake_task(void* self);
    void visit_woken();
    void shut_down();
    void abandon_the_rest();
    void free_soon();

    NetworkThreadOptions options_;
    std::vector<Endpoint*> endpoints_;
    long wake_task_ = 0;
    bool wake_armed_ = false;
    bool retiring_ = false;  ///< the endpoints were told to close
    bool freeing_ = false;
    std::unique_ptr<Timer> shutdown_deadline_;
};

}  // namespace tickwire::net::detail
