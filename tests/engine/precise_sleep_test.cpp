// Only properties that hold on any machine are asserted: no mode returns
// before its deadline, and none blocks for a deadline already past (counted
// as the thread's voluntary context switches, not timed). How close after the
// deadline they wake is measured by bench/engine (tickwire_loop_jitter_bench).

#include <sys/resource.h>

#include <gtest/gtest.h>

#include "tickwire/engine/precise_sleep.hpp"

namespace tickwire::engine {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class PreciseSleep : public ::testing::TestWithParam<SleepMode> {};

TEST_P(PreciseSleep, NeverReturnsBeforeTheDeadline) {
    for (int i = 0; i < 20; ++i) {
        const auto deadline = Clock::now() + 2ms;
        sleep_until_precise(deadline, {.mode = GetParam(), .spin_window = 500us});
        ASSERT_GE(Clock::now(), deadline) << i;
    }
}

// How often this thread has blocked (a sleep, a wait): voluntary context
// switches, counted by the kernel per thread.
long times_blocked() {
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    return usage.ru_nvcsw;
}

TEST_P(PreciseSleep, APastDeadlineReturnsWithoutBlocking) {
    // The control: a deadline 3 ms ahead blocks in every mode (kHybrid sleeps
    // all but its 500 us spin), so the count does see a sleep.
    const long before_sleep = times_blocked();
    sleep_until_precise(Clock::now() + 3ms, {.mode = GetParam(), .spin_window = 500us});
    ASSERT_GE(times_blocked() - before_sleep, 1) << "the measure cannot see a sleep";

    const long before = times_blocked();
    for (int i = 0; i < 100; ++i) {
        const auto deadline = Clock::now() - 1s;
        sleep_until_precise(deadline, {.mode = GetParam(), .spin_window = 1ms});
    }
    EXPECT_EQ(times_blocked() - before, 0) << "a deadline already passed must not put the thread to sleep";
}

INSTANTIATE_TEST_SUITE_P(AllModes, PreciseSleep,
                         ::testing::Values(SleepMode::kSleepUntil, SleepMode::kAbsolute, SleepMode::kHybrid));

}  // namespace
}  // namespace tickwire::engine
