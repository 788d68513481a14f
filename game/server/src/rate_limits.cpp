#include "rate_limits.hpp"

namespace tickwire::game::server {

// Input: a second's worth at the start, and at most two seconds saved across
// drains on top of what the latest interval earns.
RateLimits::RateLimits(int tick_rate) : input_(tick_rate, 2.0 * tick_rate, tick_rate) {}

void RateLimits::refill(std::chrono::duration<double> elapsed) noexcept {
    input_.refill(elapsed);
    chat_.refill(elapsed);
    clock_sync_.refill(elapsed);
}

Verdict RateLimits::input() noexcept {
    if (input_.take()) return Verdict::accept;
    return input_.debt() > kInputFloodSeconds * input_.rate() ? Verdict::close : Verdict::refuse;
}

Verdict RateLimits::chat() noexcept {
    if (chat_.try_take()) return Verdict::accept;
    // One notice per refusal streak: a flood must not make us flood back.
    const bool first = chat_.debt() == 0;
    chat_.overdraw();
    if (chat_.debt() > kChatFloodMargin) return Verdict::close;
    return first ? Verdict::refuse_notify : Verdict::refuse;
}

Verdict RateLimits::clock_sync() noexcept { return clock_sync_.try_take() ? Verdict::accept : Verdict::refuse; }

}  // namespace tickwire::game::server
