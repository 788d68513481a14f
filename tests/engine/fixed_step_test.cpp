#include <stdexcept>

#include <gtest/gtest.h>

#include "tickwire/engine/fixed_step.hpp"

namespace tickwire::engine {
namespace {

using namespace std::chrono_literals;

TEST(FixedStep, DefaultsTo60HzWith250msClamp) {
    FixedStep step;
    EXPECT_EQ(step.tick_rate(), 60);
    EXPECT_EQ(step.dt(), 16'666'667ns);
    EXPECT_DOUBLE_EQ(step.dt_seconds(), 1.0 / 60.0);
    EXPECT_EQ(step.max_frame_time(), 250ms);
}

TEST(FixedStep, RejectsRatesOutside1To240) {
    EXPECT_THROW(FixedStep({.tick_rate_hz = 0}), std::invalid_argument);
    EXPECT_THROW(FixedStep({.tick_rate_hz = 241}), std::invalid_argument);
    EXPECT_THROW(FixedStep({.tick_rate_hz = -60}), std::invalid_argument);
    EXPECT_NO_THROW(FixedStep({.tick_rate_hz = 1}));
    EXPECT_NO_THROW(FixedStep({.tick_rate_hz = 240}));
    EXPECT_THROW(FixedStep({.tick_rate_hz = 60, .max_frame_time = 0ms}), std::invalid_argument);
    EXPECT_FALSE(FixedStep::valid_rate(0));
    EXPECT_TRUE(FixedStep::valid_rate(144));
}

TEST(FixedStep, ExactFramesGiveOneStepEach) {
    FixedStep step({.tick_rate_hz = 100});  // dt = 10 ms exactly
    for (int i = 0; i < 100; ++i) {
        const auto s = step.advance(10ms);
        ASSERT_EQ(s.count, 1) << i;
        ASSERT_EQ(s.alpha, 0.0) << i;
    }
    EXPECT_EQ(step.steps_total(), 100u);
}

TEST(FixedStep, ShortFramesAccumulateAndReportAlpha) {
    FixedStep step({.tick_rate_hz = 100});
    auto s = step.advance(4ms);
    EXPECT_EQ(s.count, 0);
    EXPECT_DOUBLE_EQ(s.alpha, 0.4);
    s = step.advance(4ms);
    EXPECT_EQ(s.count, 0);
    EXPECT_DOUBLE_EQ(s.alpha, 0.8);
    s = step.advance(4ms);
    EXPECT_EQ(s.count, 1);
    EXPECT_NEAR(s.alpha, 0.2, 1e-12);
    s = step.advance(25ms);
    EXPECT_EQ(s.count, 2);
    EXPECT_NEAR(s.alpha, 0.7, 1e-12);
}

TEST(FixedStep, SixtyHertzDoesNotDriftOverAnHour) {
    // 1/60 s is not a whole number of nanoseconds; the accumulator is exact.
    FixedStep step;
    std::uint64_t steps = 0;
    // One hour of 120 Hz frames in whole nanoseconds: 8'333'333, 8'333'334,
    // 8'333'333 ns, which is exactly 25 ms (1.5 steps) every three frames.
    const std::chrono::nanoseconds pattern[] = {8'333'333ns, 8'333'334ns, 8'333'333ns};  // 25 ms
    for (int i = 0; i < 3600 * 40; ++i) {
        for (auto frame : pattern) steps += static_cast<std::uint64_t>(step.advance(frame).count);
    }
    // 3600 s x 60 Hz.
    EXPECT_EQ(steps, 216'000u);
    EXPECT_EQ(step.alpha(), 0.0);
    EXPECT_EQ(step.dropped_time(), 0ns);
}

TEST(FixedStep, ZeroLengthFrameRunsNothingAndKeepsAlpha) {
    FixedStep step({.tick_rate_hz = 100});
    (void)step.advance(3ms);
    const auto s = step.advance(0ns);
    EXPECT_EQ(s.count, 0);
    EXPECT_DOUBLE_EQ(s.alpha, 0.3);
    EXPECT_EQ(s.dropped, 0ns);
    const auto first = FixedStep({.tick_rate_hz = 60}).advance(0ns);
    EXPECT_EQ(first.count, 0);
    EXPECT_EQ(first.alpha, 0.0);
}

TEST(FixedStep, NegativeFrameCountsAsZero) {
    FixedStep step({.tick_rate_hz = 100});
    (void)step.advance(5ms);
    const auto s = step.advance(-3ms);
    EXPECT_EQ(s.count, 0);
    EXPECT_DOUBLE_EQ(s.alpha, 0.5);
}

TEST(FixedStep, TwoSecondStallIsClampedAndTheExcessCountedAsDropped) {
    FixedStep step;  // 60 Hz, 250 ms clamp
    (void)step.advance(8'333'333ns);  // half a step pending
    const auto s = step.advance(2s);
    // 250 ms = exactly 15 steps at 60 Hz, plus the pending half step.
    EXPECT_EQ(s.count, 15);
    EXPECT_EQ(s.dropped, 1750ms);
    EXPECT_EQ(step.dropped_time(), 1750ms);
    EXPECT_NEAR(s.alpha, 0.5, 1e-6);
    // The next normal frame is back to one step: no spiral of death.
    const auto next = step.advance(16'666'667ns);
    EXPECT_EQ(next.count, 1);
    EXPECT_EQ(step.dropped_time(), 1750ms);
}

TEST(FixedStep, StallAt240HzRunsAtMost60Steps) {
    FixedStep step({.tick_rate_hz = 240});
    const auto s = step.advance(2s);
    EXPECT_EQ(s.count, 60);
    EXPECT_EQ(s.dropped, 1750ms);
}

TEST(FixedStep, OneHertzNeedsAFullSecondEvenAcrossTheClamp) {
    FixedStep step({.tick_rate_hz = 1});
    EXPECT_EQ(step.advance(2s).count, 0);  // clamped to 250 ms
    EXPECT_EQ(step.advance(250ms).count, 0);
    EXPECT_EQ(step.advance(250ms).count, 0);
    EXPECT_EQ(step.advance(250ms).count, 1);
}

TEST(FixedStep, UntilNextStepRoundsUpSoSleepingItAlwaysYieldsAStep) {
    FixedStep step;
    EXPECT_EQ(step.until_next_step(), 16'666'667ns);
    (void)step.advance(16'666'667ns);
    // 1/3 ns overshoot is kept: the next step needs 16'666'666.33 ns -> 16'666'667.
    EXPECT_EQ(step.until_next_step(), 16'666'667ns);
    for (int i = 0; i < 1000; ++i) {
        const auto wait = step.until_next_step();
        ASSERT_EQ(step.advance(wait).count, 1) << i;
    }
}

TEST(FixedStep, StepOverdueSaysWhenEachStepOfAFrameBecameDue) {
    FixedStep step({.tick_rate_hz = 100});
    const auto s = step.advance(35ms);  // steps due at 10, 20, 30 ms; now 35 ms
    ASSERT_EQ(s.count, 3);
    EXPECT_EQ(step.step_overdue(0, 3), 25ms);
    EXPECT_EQ(step.step_overdue(1, 3), 15ms);
    EXPECT_EQ(step.step_overdue(2, 3), 5ms);
}

}  // namespace
}  // namespace tickwire::engine
