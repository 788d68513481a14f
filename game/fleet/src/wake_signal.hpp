#pragma once
// WakeSignal: how a game thread wakes a helper thread (the room directory's,
// an HTTP worker's) after pushing to its queue, without blocking or locking:
// an eventfd written at most once per wake-up (the same scheme as
// net's network thread). The helper either waits on it here (poll, with a
// time limit) or hands fd() to an Asio descriptor.
//
// Ordering: the waiter calls consume() *before* draining its queue, so a push
// that lands after the drain re-arms and writes again; nothing is missed.
//
// Thread: notify() from any thread; wait_for() and consume() from the one
// waiting thread.

#include <atomic>
#include <chrono>

namespace tickwire::game::fleet::detail {

class WakeSignal {
public:
    WakeSignal();  ///< throws std::system_error if no eventfd can be made
    ~WakeSignal();
    WakeSignal(const WakeSignal&) = delete;
    WakeSignal& operator=(const WakeSignal&) = delete;

    /// Non-blocking; a wake-up already on its way absorbs this one.
    void notify() noexcept;
    /// Returns when notified or after `timeout`; then consume()s.
    void wait_for(std::chrono::milliseconds timeout) noexcept;
    /// Clears the pending wake-up (the fd has become readable).
    void consume() noexcept;
    [[nodiscard]] int fd() const noexcept { return fd_; }

private:
    int fd_ = -1;
    std::atomic<bool> armed_{false};
};

}  // namespace tickwire::game::fleet::detail
