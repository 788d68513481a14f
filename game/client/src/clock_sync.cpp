#include "clock_sync.hpp"

#include <cmath>

namespace tickwire::game {

void ClockSync::reset() noexcept {
    known_ = false;
    requests_sent_ = 0;
    next_request_ = 0;
}

void ClockSync::on_resumed(std::int64_t now) noexcept {
    resumed_at_ = now;
    requests_sent_ = 0;  // re-measure the round trip quickly
    next_request_ = 0;
}

void ClockSync::on_welcome(std::uint32_t server_tick, std::int64_t now) noexcept {
    tick_base_ = server_tick;
    tick_base_time_ = now;
    known_ = true;
}

void ClockSync::on_snapshot(std::uint32_t server_tick, std::int64_t now) noexcept {
    if (known_) return;
    on_welcome(server_tick, now);
}

void ClockSync::on_response(const schemas::ClockSyncInfo& r, std::int64_t now) noexcept {
    const std::int64_t rtt = (now - r.client_send_time_us) - (r.server_send_time_us - r.server_receive_time_us);
    if (rtt < 0 || rtt > 10'000'000) return;  // not ours, or absurd
    // A request sent before a resume may be answered (and resent) after
    // it: its round trip includes the outage.
    if (r.client_send_time_us < resumed_at_) return;
    if (rtt_.primed) jitter_.add(std::abs(static_cast<double>(rtt) - rtt_.value), 0.1);
    rtt_.add(static_cast<double>(rtt), known_ ? 0.1 : 0.5);
    // The server's tick when it replied, half a round trip ago.
    const std::int64_t then = now - static_cast<std::int64_t>(rtt_.value / 2);
    const double fresh = r.server_tick;
    const double old = known_ ? server_tick(then) : fresh;
    // Smooth: small differences move the clock a little, large ones reset it.
    tick_base_ = std::abs(fresh - old) > 10 ? fresh : old + (fresh - old) * 0.2;
    tick_base_time_ = then;
    known_ = true;
}

bool ClockSync::request_due(std::int64_t now) noexcept {
    if (now < next_request_) return false;
    next_request_ = now + (requests_sent_++ < kQuickRequests ? kQuickPeriodUs : kPeriodUs);
    return true;
}

}  // namespace tickwire::game
