#pragma once
// ClockSync: the client's estimate of the server's tick, from the Welcome,
// then from clock-sync round trips (NTP style: the server's tick when it
// replied, half a round trip ago), smoothed so small differences move the
// clock a little and large ones reset it. Decides when the next request goes
// out: a quick burst of five at the start (and after a resume), then twice a
// second.
//
// Times are microseconds on the client's clock (ClientConfig::clock).
//
// Thread: the game thread.

#include <cstdint>

#include "ewma.hpp"
#include "tickwire/schemas/session.hpp"

namespace tickwire::game {

class ClockSync {
public:
    explicit ClockSync(double tick_us) : tick_us_(tick_us) {}

    /// A fresh session: nothing known.
    void reset() noexcept;
    /// The session resumed: replies to requests sent before `now` measured
    /// the outage, not the network; re-measure quickly.
    void on_resumed(std::int64_t now) noexcept;

    /// The Welcome's tick, as a first estimate.
    void on_welcome(std::uint32_t server_tick, std::int64_t now) noexcept;
    /// A snapshot's tick: the estimate until anything better arrives.
    void on_snapshot(std::uint32_t server_tick, std::int64_t now) noexcept;
    void on_response(const schemas::ClockSyncInfo& reply, std::int64_t now) noexcept;

    /// True when a request should go out now (and schedules the next).
    [[nodiscard]] bool request_due(std::int64_t now) noexcept;

    [[nodiscard]] bool known() const noexcept { return known_; }
    /// Fractional server tick at `now` (only meaningful when known()).
    [[nodiscard]] double server_tick(std::int64_t now) const noexcept {
        return tick_base_ + static_cast<double>(now - tick_base_time_) / tick_us_;
    }
    /// Smoothed round trip of the clock-sync exchange (0 until measured):
    /// the game messages' path, including any simulated network.
    [[nodiscard]] double rtt_us() const noexcept { return rtt_.value; }
    [[nodiscard]] double rtt_jitter_us() const noexcept { return jitter_.value; }

    static constexpr int kQuickRequests = 5;
    static constexpr std::int64_t kQuickPeriodUs = 100'000;
    static constexpr std::int64_t kPeriodUs = 500'000;

private:
    double tick_us_;
    double tick_base_ = 0;
    std::int64_t tick_base_time_ = 0;
    bool known_ = false;
    Ewma rtt_, jitter_;
    std::int64_t next_request_ = 0;
    int requests_sent_ = 0;
    std::int64_t resumed_at_ = 0;  // replies to requests older than this are stale
};

}  // namespace tickwire::game
