#pragma once
// RateLimits: what one client may send per second, as net::TokenBuckets:
// input (one message per tick, a burst allowance for a stall), chat (5, one
// more a second) and clock-sync requests (4 a second, 10 at once; each reply
// is a reliable message the session keeps until acked, so an unmetered
// client that never acks could pin memory with them).
//
// Refilled by elapsed time at each network drain, not per tick: after a
// stall of the server itself the loop runs at most 250 ms of ticks, yet
// clients kept sending at their rate the whole time, so a per-tick refill
// closed honest clients (the 200-bot soak on a loaded machine lost hundreds
// to "input rate limit").
//
// Thread: the game thread (one per client, inside the match server).

#include <chrono>
#include <cstdint>

#include "tickwire/net/token_bucket.hpp"

namespace tickwire::game::server {

/// What to do with a message after asking its limit.
enum class Verdict : std::uint8_t {
    accept,
    refuse,         ///< drop it unread
    refuse_notify,  ///< drop it and tell the client once (the first of a refusal streak)
    close,          ///< a flood: close the client (1008)
};

class RateLimits {
public:
    /// Input messages are expected once per tick of `tick_rate`.
    explicit RateLimits(int tick_rate);

    void refill(std::chrono::duration<double> elapsed) noexcept;

    /// One message per client tick is expected; a one-second burst covers a
    /// short stall. Beyond it messages are dropped unread (after a long stall
    /// of either side, or of the network between, input arrives in a pile and
    /// is stale anyway); only a client that overdraws by kInputFloodSeconds of
    /// messages is flooding.
    [[nodiscard]] Verdict input() noexcept;
    /// Chat beyond the bucket is refused with one notice per streak; a client
    /// that sends kChatFloodMargin more before the bucket refills is flooding.
    [[nodiscard]] Verdict chat() noexcept;
    /// Clock requests beyond the bucket go unanswered.
    [[nodiscard]] Verdict clock_sync() noexcept;

    static constexpr double kChatPerSecond = 1;
    static constexpr double kChatBurst = 5;
    static constexpr double kChatFloodMargin = 20;
    static constexpr double kClockSyncPerSecond = 4;  // clients ask twice a second (five quick ones at first)
    static constexpr double kClockSyncBurst = 10;
    static constexpr double kInputFloodSeconds = 10;

private:
    net::TokenBucket input_;
    net::TokenBucket chat_{kChatPerSecond, kChatBurst};
    net::TokenBucket clock_sync_{kClockSyncPerSecond, kClockSyncBurst};
};

}  // namespace tickwire::game::server
