// GameLoop on a fake clock: time only moves when the loop sleeps or a hook
// says so, so tick counts, hook order and statistics are exact.

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tickwire/engine/game_loop.hpp"

namespace tickwire::engine {
namespace {

using namespace std::chrono_literals;
using TimePoint = LoopClock::TimePoint;

struct FakeClock {
    TimePoint now{std::chrono::seconds(1000)};
    std::vector<TimePoint> sleeps;        // every deadline asked for
    std::chrono::nanoseconds oversleep{0};  // added to the next wake-up only

    LoopClock clock() {
        return LoopClock{
            [this] { return now; },
            [this](TimePoint deadline) {
                sleeps.push_back(deadline);
                if (deadline > now) now = deadline;
                now += oversleep;
                oversleep = 0ns;
            },
        };
    }
};

TEST(GameLoop, HeadlessRunsHooksInOrderOneTickPerFrame) {
    FakeClock fake;
    std::vector<std::string> calls;
    GameLoop* loop_ptr = nullptr;
    GameLoopHooks hooks;
    hooks.poll_input = [&] { calls.push_back("poll_input"); };
    hooks.network_in = [&] { calls.push_back("network_in"); };
    hooks.step = [&](std::uint64_t tick, double dt) {
        calls.push_back("step " + std::to_string(tick));
        EXPECT_DOUBLE_EQ(dt, 0.01);
        if (tick == 3) loop_ptr->request_stop();
    };
    hooks.network_out = [&] { calls.push_back("network_out"); };
    hooks.render = [&](double) { calls.push_back("render"); };  // never in headless mode
    GameLoop loop({.tick_rate_hz = 100, .headless = true}, hooks, fake.clock());
    loop_ptr = &loop;
    loop.run();

    const std::vector<std::string> expected = {
        "poll_input", "network_in", "step 1", "network_out",  //
        "poll_input", "network_in", "step 2", "network_out",  //
        "poll_input", "network_in", "step 3",                 // stop requested inside the step
        "network_out",
    };
    EXPECT_EQ(calls, expected);
    EXPECT_EQ(loop.tick(), 3u);
    EXPECT_EQ(loop.stats().frames, 3u);
}

TEST(GameLoop, HeadlessSleepsToExactTickDeadlines) {
    FakeClock fake;
    const TimePoint start = fake.now;
    GameLoop* loop_ptr = nullptr;
    GameLoopHooks hooks;
    hooks.step = [&](std::uint64_t tick, double) {
        if (tick == 600) loop_ptr->request_stop();
    };
    GameLoop loop({.tick_rate_hz = 60, .headless = true}, hooks, fake.clock());
    loop_ptr = &loop;
    loop.run();

    ASSERT_EQ(fake.sleeps.size(), 600u);
    for (std::size_t i = 0; i < fake.sleeps.size(); ++i) {
        // Tick n is due at start + n/60 s, rounded up to the nanosecond.
        const auto n = static_cast<std::int64_t>(i + 1);
        const auto due = start + std::chrono::nanoseconds((n * 1'000'000'000 + 59) / 60);
        ASSERT_EQ(fake.sleeps[i], due) << "tick " << n;
    }
    const auto stats = loop.stats();
    EXPECT_EQ(stats.tick, 600u);
    EXPECT_EQ(stats.late_ticks, 0u);
    EXPECT_EQ(stats.tick_lateness.max, 0ns);
    EXPECT_EQ(stats.tick_lateness.samples, 600u);
}

TEST(GameLoop, LateWakeUpIsMeasuredAndCounted) {
    FakeClock fake;
    GameLoop* loop_ptr = nullptr;
    GameLoopHooks hooks;
    hooks.step = [&](std::uint64_t tick, double) {
        if (tick == 4) fake.oversleep = 5ms;  // the wake-up for tick 5 is 5 ms late
        if (tick == 8) fake.oversleep = 1ms;  // under the 2 ms threshold
        if (tick == 10) loop_ptr->request_stop();
    };
    GameLoop loop({.tick_rate_hz = 100, .headless = true}, hooks, fake.clock());
    loop_ptr = &loop;
    loop.run();

    const auto stats = loop.stats();
    EXPECT_EQ(stats.tick, 10u);
    EXPECT_EQ(stats.late_ticks, 1u);
    EXPECT_EQ(stats.tick_lateness.max, 5ms);
    EXPECT_EQ(stats.tick_lateness.p50, 0ns);
    // Nearest-rank p99 of 10 samples is the largest.
    EXPECT_EQ(stats.tick_lateness.p99, 5ms);
    // Lateness does not shift the schedule: tick 6 is still due at 60 ms.
    EXPECT_EQ(fake.sleeps[5] - fake.sleeps[0], 50ms);
}

TEST(GameLoop, StepDurationIsMeasuredAndOverrunsCounted) {
    FakeClock fake;
    GameLoop* loop_ptr = nullptr;
    GameLoopHooks hooks;
    hooks.step = [&](std::uint64_t tick, double) {
        fake.now += tick == 5 ? 12ms : 1ms;  // tick 5 takes longer than dt
        if (tick == 20) loop_ptr->request_stop();
    };
    GameLoop loop({.tick_rate_hz = 100, .headless = true}, hooks, fake.clock());
    loop_ptr = &loop;
    loop.run();

    const auto stats = loop.stats();
    EXPECT_EQ(stats.tick, 20u);
    EXPECT_EQ(stats.tick_time.p50, 1ms);
    EXPECT_EQ(stats.tick_time.max, 12ms);
    EXPECT_EQ(stats.overrun_ticks, 1u);
    // Tick 6 became due at 60 ms but tick 5 ran until 62 ms: 2 ms late (not > threshold).
    EXPECT_EQ(stats.late_ticks, 0u);
    EXPECT_EQ(stats.tick_lateness.max, 2ms);
}

TEST(GameLoop, TwoSecondStallCatchesUpAtMost250msAndCountsTheRest) {
    FakeClock fake;
    std::vector<int> steps_per_frame;
    GameLoop* loop_ptr = nullptr;
    GameLoopHooks hooks;
    hooks.step = [&](std::uint64_t tick, double) {
        if (tick == 3) fake.now += 2s;  // a stall (debugger, swap, suspend)
    };
    hooks.network_out = [&] {
        steps_per_frame.push_back(loop_ptr->frame_steps());
        if (loop_ptr->tick() >= 25) loop_ptr->request_stop();
    };
    GameLoop loop({.tick_rate_hz = 60, .headless = true}, hooks, fake.clock());
    loop_ptr = &loop;
    loop.run();

    // Frames 1-3 one step each; frame 4 sees 2 s, clamped to 250 ms = 15 steps;
    // then one step per frame again.
    ASSERT_GE(steps_per_frame.size(), 5u);
    EXPECT_EQ(steps_per_frame[0], 1);
    EXPECT_EQ(steps_per_frame[2], 1);
    EXPECT_EQ(steps_per_frame[3], 15);
    EXPECT_EQ(steps_per_frame[4], 1);
    const auto stats = loop.stats();
    EXPECT_EQ(stats.dropped_time, 1750ms);
    // All 15 catch-up ticks are late; the first (tick 4) was due 2 s - 1/60 s
    // before it ran, not just the 250 ms that was simulated.
    EXPECT_EQ(stats.late_ticks, 15u);
    EXPECT_NEAR(std::chrono::duration<double>(stats.tick_lateness.max).count(), 2.0 - 1.0 / 60, 1e-6);
}

TEST(GameLoop, WindowedRendersEveryFrameWithAlpha) {
    FakeClock fake;
    std::vector<double> alphas;
    std::vector<int> steps;
    GameLoop* loop_ptr = nullptr;
    GameLoopHooks hooks;
    hooks.render = [&](double alpha) {
        alphas.push_back(alpha);
        steps.push_back(loop_ptr->frame_steps());
        fake.now += 4ms;  // the frame (e.g. present) takes 4 ms
        if (alphas.size() == 6) loop_ptr->request_stop();
    };
    GameLoop loop({.tick_rate_hz = 100}, hooks, fake.clock());
    loop_ptr = &loop;
    loop.run();

    // Frames at 0, 4, 8, 12, 16, 20 ms of a 10 ms tick.
    const std::vector<int> expected_steps = {0, 0, 0, 1, 0, 1};
    EXPECT_EQ(steps, expected_steps);
    ASSERT_EQ(alphas.size(), 6u);
    const double expected_alpha[] = {0.0, 0.4, 0.8, 0.2, 0.6, 0.0};
    for (std::size_t i = 0; i < 6; ++i) EXPECT_NEAR(alphas[i], expected_alpha[i], 1e-12) << i;
    EXPECT_TRUE(fake.sleeps.empty());  // no frame cap, no sleeping
}

TEST(GameLoop, WindowedFrameCapSleepsBetweenFrames) {
    FakeClock fake;
    int frames = 0;
    GameLoop* loop_ptr = nullptr;
    GameLoopHooks hooks;
    hooks.render = [&](double) {
        if (++frames == 5) loop_ptr->request_stop();
    };
    GameLoop loop({.tick_rate_hz = 60, .max_frame_rate = 100}, hooks, fake.clock());
    loop_ptr = &loop;
    loop.run();
    ASSERT_EQ(fake.sleeps.size(), 4u);  // not before the first frame
    EXPECT_EQ(fake.sleeps[3] - fake.sleeps[0], 30ms);
}

TEST(GameLoop, StopFromAnotherThreadBeforeRunReturnsImmediately) {
    FakeClock fake;
    int steps = 0;
    GameLoopHooks hooks;
    hooks.step = [&](std::uint64_t, double) { ++steps; };
    GameLoop loop({.headless = true}, hooks, fake.clock());
    loop.request_stop();
    loop.run();
    EXPECT_EQ(steps, 0);
    EXPECT_FALSE(loop.run_frame());
}

TEST(GameLoop, RunFrameDrivesTheLoopFromAnOuterLoop) {
    FakeClock fake;
    GameLoop loop({.tick_rate_hz = 50, .headless = true}, GameLoopHooks{}, fake.clock());
    for (int i = 0; i < 7; ++i) ASSERT_TRUE(loop.run_frame());
    EXPECT_EQ(loop.tick(), 7u);
}

TEST(GameLoop, RunsOnTheSystemClockAndStopsFromAnotherThread) {
    // Real time, but nothing about timing is asserted: only that the real
    // clock and precise sleep drive ticks and that a stop from another
    // thread ends run().
    std::atomic<std::uint64_t> steps{0};
    GameLoopHooks hooks;
    hooks.step = [&](std::uint64_t, double) { steps.fetch_add(1); };
    GameLoop loop({.tick_rate_hz = 240, .headless = true}, hooks);
    std::thread stopper([&] {
        while (loop.tick() < 12) std::this_thread::sleep_for(1ms);
        loop.request_stop();
    });
    loop.run();
    stopper.join();
    EXPECT_GE(loop.tick(), 12u);
    EXPECT_EQ(steps.load(), loop.tick());
    EXPECT_EQ(loop.stats().tick_lateness.samples, loop.tick());
}

TEST(GameLoop, RejectsBadConfiguration) {
    EXPECT_THROW(GameLoop({.tick_rate_hz = 0}, GameLoopHooks{}), std::invalid_argument);
    EXPECT_THROW(GameLoop({.tick_rate_hz = 500}, GameLoopHooks{}), std::invalid_argument);
    EXPECT_THROW(GameLoop({.max_frame_rate = -1}, GameLoopHooks{}), std::invalid_argument);
}

}  // namespace
}  // namespace tickwire::engine
