#pragma once
// BrowserScheduler: the Scheduler of the browser backend, on the page's own
// event loop. A Timer is a setTimeout (emscripten_set_timeout), cleared when
// cancelled or destroyed, so it never fires afterwards; a posted task is a
// setImmediate (emscripten_set_immediate: a message the page posts to
// itself), run in order, after the current task and before later timers.
// Neither ever runs inside the call that scheduled it. It holds no state, so
// one serves the whole page and outlives every loop (a task posted by a
// channel may run after the loop that started it has gone).
//
// Thread: the page's main thread (the only one a single-threaded page has).

#include "scheduler.hpp"

namespace tickwire::net::detail {

class BrowserScheduler final : public Scheduler {
public:
    [[nodiscard]] SteadyTime now() const noexcept override { return std::chrono::steady_clock::now(); }
    [[nodiscard]] std::unique_ptr<Timer> make_timer(std::function<void()> fire) override;
    void post(std::function<void()> task) override;
};

/// The page's one scheduler (never destroyed).
BrowserScheduler& browser_scheduler() noexcept;

}  // namespace tickwire::net::detail
