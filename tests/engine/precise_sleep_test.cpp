// Only the property that holds on any machine is asserted: no mode returns
// before its deadline. How close after it they wake is measured by
// bench/engine (tickwire_loop_jitter_bench), not asserted here.

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

TEST_P(PreciseSleep, PastDeadlineReturnsAtOnce) {
    const auto deadline = Clock::now() - 1s;
    sleep_until_precise(deadline, {.mode = GetParam(), .spin_window = 1ms});
    SUCCEED();
}

INSTANTIATE_TEST_SUITE_P(AllModes, PreciseSleep,
                         ::testing::Values(SleepMode::kSleepUntil, SleepMode::kAbsolute, SleepMode::kHybrid));

}  // namespace
}  // namespace tickwire::engine
