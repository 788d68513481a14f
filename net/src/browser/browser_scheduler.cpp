#include "browser/browser_scheduler.hpp"

#include <emscripten/eventloop.h>

#include <algorithm>

namespace tickwire::net::detail {
namespace {

class BrowserTimer final : public Timer {
public:
    explicit BrowserTimer(std::function<void()> fire) : state_(std::make_shared<State>(std::move(fire))) {}
    ~BrowserTimer() override { cancel(); }

    void start_at(SteadyTime when) override {
        const auto delay = std::chrono::duration<double, std::milli>(when - std::chrono::steady_clock::now());
        arm(std::max(delay.count(), 0.0));
    }
    void start_after(std::chrono::milliseconds delay) override {
        arm(static_cast<double>(std::max<std::int64_t>(delay.count(), 0)));
    }
    void cancel() noexcept override {
        if (!state_->armed) return;
        state_->armed = false;
        emscripten_clear_timeout(state_->id);  // a cleared setTimeout never runs
    }

private:
    // Shared with the expiry while it runs: the callback may destroy the timer.
    struct State : std::enable_shared_from_this<State> {
        explicit State(std::function<void()> f) : fire(std::move(f)) {}
        std::function<void()> fire;
        long id = 0;
        bool armed = false;
    };

    void arm(double delay_ms) {
        cancel();
        state_->id = emscripten_set_timeout(&on_timeout, delay_ms, state_.get());
        state_->armed = true;
    }

    static void on_timeout(void* context) {
        const auto state = static_cast<State*>(context)->shared_from_this();
        state->armed = false;
        state->fire();
    }

    std::shared_ptr<State> state_;
};

void run_posted(void* context) {
    const std::unique_ptr<std::function<void()>> task(static_cast<std::function<void()>*>(context));
    (*task)();
}

}  // namespace

BrowserScheduler& browser_scheduler() noexcept {
    static BrowserScheduler* const instance = new BrowserScheduler;  // stateless; never destroyed
    return *instance;
}

std::unique_ptr<Timer> BrowserScheduler::make_timer(std::function<void()> fire) {
    return std::make_unique<BrowserTimer>(std::move(fire));
}

void BrowserScheduler::post(std::function<void()> task) {
    // Owned by the event loop until it runs (run_posted frees it).
    emscripten_set_immediate(&run_posted, new std::function<void()>(std::move(task)));
}

}  // namespace tickwire::net::detail
