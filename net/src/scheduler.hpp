#pragma once
// Scheduler and Timer: time as the portable layers (the channel driver, the
// event outbox) see it. Each backend implements them on its own loop: Asio
// timers on the network thread (native/asio_scheduler.hpp), or setTimeout
// in a browser (browser/browser_scheduler.hpp). No Boost here.
//
// Thread: the loop's thread only.

#include <chrono>
#include <functional>
#include <memory>

namespace tickwire::net::detail {

using SteadyTime = std::chrono::steady_clock::time_point;

/// A one-shot, re-armable timer whose callback is fixed at creation (so arming
/// it allocates nothing). Destroying or cancelling it guarantees the callback
/// does not run afterwards, even if the expiry was already queued.
class Timer {
public:
    virtual ~Timer() = default;
    /// Run the callback at `when` (or soon after); replaces a pending expiry.
    virtual void start_at(SteadyTime when) = 0;
    virtual void start_after(std::chrono::milliseconds delay) = 0;
    virtual void cancel() noexcept = 0;
};

class Scheduler {
public:
    virtual ~Scheduler() = default;
    [[nodiscard]] virtual SteadyTime now() const noexcept = 0;
    [[nodiscard]] virtual std::unique_ptr<Timer> make_timer(std::function<void()> fire) = 0;
    /// Run `task` soon on the loop, never inside the caller.
    virtual void post(std::function<void()> task) = 0;
};

}  // namespace tickwire::net::detail
