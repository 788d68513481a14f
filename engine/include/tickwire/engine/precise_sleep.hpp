#pragma once
// Sleeping until an absolute steady_clock deadline, as precisely as the OS
// allows. A plain sleep wakes up late by the scheduler's timer slack and
// wake-up latency (50 us to a few ms); for a 60 Hz server tick that shows up
// as jitter. bench/engine/loop_jitter_bench measures the modes. 600 ticks at
// 60 Hz on a 2-core box at load 7-10 (other builds running), tick start minus
// due time, p50/p99/max in microseconds:
//
//                    SCHED_FIFO (~ an idle core)   normal priority, loaded
//   sleep_until           44 / 273 / 3412            98 / 3527 / 7536
//   kAbsolute             49 /  85 /  127            96 / 3391 / 4069
//   kHybrid 500 us       0.8 /  19 /   61           1.1 / 4524 / 7193
//
// Both kAbsolute and kHybrid keep p99 well under 1 ms when the thread gets a
// CPU; when it does not (overloaded box), no mode can, and the hybrid spin
// makes it worse (105 ticks over 2 ms late against kAbsolute's 17) besides
// burning ~3% of a core per loop. So kAbsolute is the default: right for
// servers and for many bots in one process; kHybrid is for a dedicated
// server core that wants single-digit microseconds.
//
// Thread: free functions; any thread (each sleeps the calling thread).

#include <chrono>

namespace tickwire::engine {

enum class SleepMode {
    /// std::this_thread::sleep_until: portable, wakes late by the timer slack.
    kSleepUntil,
    /// clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME) where available: no
    /// drift from computing a relative delay, still subject to wake-up latency.
    kAbsolute,
    /// kAbsolute until `spin_window` before the deadline, then spin until it
    /// passes: wakes within microseconds at the cost of up to spin_window of
    /// CPU per wait.
    kHybrid,
};

struct SleepConfig {
    SleepMode mode = SleepMode::kAbsolute;
    /// kHybrid only. Covers the usual wake-up latency of an idle Linux box
    /// (timer slack 50 us plus scheduling) with room to spare.
    std::chrono::nanoseconds spin_window = std::chrono::microseconds(500);
};

/// Returns no earlier than `deadline` (steady_clock), whatever the mode.
void sleep_until_precise(std::chrono::steady_clock::time_point deadline, const SleepConfig& config = {});

}  // namespace tickwire::engine
