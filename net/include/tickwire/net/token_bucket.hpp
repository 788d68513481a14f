#pragma once
// TokenBucket: the rate limit a server puts on untrusted input (messages per
// second with a burst allowance), one per peer and kind of message.
//
// Credit accrues at `rate` per second of elapsed time, handed in by the caller
// (so tests and fixed-tick servers decide what time is). Two rules come from
// running game servers:
//
//  - refill() caps the credit saved from earlier refills at `burst`, then adds
//    the credit for the time just passed in full. A server that stalls for a
//    second and then refills once still grants that second's worth: peers kept
//    sending at their honest rate all along, and a cap applied after the
//    refill would punish them for the server's own stall.
//  - take() may run the bucket into debt (a peer that keeps sending while
//    refused); debt() tells how far, so the caller can close a peer that
//    floods instead of one that merely bursts. try_take() never goes below 0.
//
//   TokenBucket chat(1.0, 5.0);                  // 1 a second, 5 at once
//   chat.refill(seconds_since_last_refill);
//   if (!chat.try_take()) refuse();
//
// Thread: a plain value; one thread at a time.

#include <algorithm>
#include <chrono>

namespace tickwire::net {

class TokenBucket {
public:
    /// `rate` tokens per second; `burst` the most credit saved across refills;
    /// starts with `initial` tokens (default: a full burst).
    constexpr TokenBucket(double rate, double burst, double initial) noexcept
        : rate_(rate), burst_(burst), tokens_(initial) {}
    constexpr TokenBucket(double rate, double burst) noexcept : TokenBucket(rate, burst, burst) {}

    /// Credit for `elapsed` (negative durations count as none).
    constexpr void refill(std::chrono::duration<double> elapsed) noexcept {
        tokens_ = std::min(tokens_, burst_) + std::max(0.0, elapsed.count()) * rate_;
    }

    /// Takes `n` tokens if they are there; false (and nothing taken) if not.
    [[nodiscard]] constexpr bool try_take(double n = 1) noexcept {
        if (tokens_ < n) return false;
        tokens_ -= n;
        return true;
    }

    /// Takes `n` tokens even into debt; true if they were covered.
    constexpr bool take(double n = 1) noexcept {
        tokens_ -= n;
        return tokens_ >= 0;
    }

    /// Refused while already in debt: the debt grows by `n`, and any credit
    /// short of a whole token is forfeit (a refused peer earns nothing back
    /// until the refill outpaces its sending).
    constexpr void overdraw(double n = 1) noexcept { tokens_ = std::min(tokens_, 0.0) - n; }

    [[nodiscard]] constexpr double tokens() const noexcept { return tokens_; }
    /// How far below zero the bucket is (0 when it has credit).
    [[nodiscard]] constexpr double debt() const noexcept { return tokens_ < 0 ? -tokens_ : 0; }
    [[nodiscard]] constexpr double rate() const noexcept { return rate_; }
    [[nodiscard]] constexpr double burst() const noexcept { return burst_; }

private:
    double rate_;
    double burst_;
    double tokens_;
};

}  // namespace tickwire::net
