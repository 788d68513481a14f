#pragma once
// Sleeping until an absolute steady_clock deadline, as precisely as the OS
// allows. A plain sleep wakes up late by the scheduler's timer slack and
// wake-up latency (50 us to a few ms); for a 60 Hz server tick that shows up
// as jitter. bench/engine/loop_jitter_bench measures the three modes. On a
// 2-core box at load 8 with the thread at SCHED_FIFO (as good as an idle
// core), 600 ticks at 60 Hz started late by p50/p99/max: sleep_until
// 42/90/4001 us, kAbsolute 43/87/156 us, kHybrid (500 us) 0.9/3/50 us. At
// normal priority on that loaded box every mode had a p99 of about 4 ms: the
// thread wakes on time but waits for a CPU, which no sleep can fix.
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
    SleepMode mode = SleepMode::kHybrid;
    /// Covers the usual wake-up latency of an idle Linux box (timer slack
    /// 50 us plus scheduling) with room to spare; see the benchmark figures.
    std::chrono::nanoseconds spin_window = std::chrono::microseconds(500);
};

/// Returns no earlier than `deadline` (steady_clock), whatever the mode.
void sleep_until_precise(std::chrono::steady_clock::time_point deadline, const SleepConfig& config = {});

}  // namespace tickwire::engine
