// "A tick with lag compensation allocates nothing": 32 players firing,
// every shot rewound, through the server's InputQueue -> feed_input -> World
// path. This executable replaces the global allocation functions with
// counting ones.
#include <vector>

#include <gtest/gtest.h>

#include "counting_allocator.hpp"
#include "feed_input.hpp"

namespace tickwire::game::server {
namespace {

TEST(LagCompensationAllocation, ThirtyTwoPlayersFiringRewoundShotsAllocateNothingAfterWarmUp) {
    sim::World world;
    std::vector<InputQueue> queues(32);
    for (std::uint32_t p = 1; p <= 32; ++p) world.add_player(p);
    const LagCompensation lag({});
    InputFigures figures(60);
    std::vector<protocol::Frame> frames(1);
    std::uint32_t tick = 0, sequence = 0;
    const auto play = [&](int ticks) {
        for (int t = 0; t < ticks; ++t) {
            ++tick;
            ++sequence;
            figures.start_tick(tick);
            for (std::uint32_t p = 1; p <= 32; ++p) {
                // A frame for the next tick, firing, seen 12 ticks ago.
                frames[0] = protocol::Frame(tick + 1, sequence, Buttons::Fire,
                                            static_cast<std::uint16_t>(p * 2000 + tick * 300),
                                            static_cast<std::int8_t>((p * 37 + tick) % 255 - 127), 0);
                queues[p - 1].push(frames, tick, {(std::uint64_t{tick} - 12) * 256, lag.max_rewind_q8()});
                feed_input(queues[p - 1], world, p, tick, lag, figures);
            }
            world.step();
        }
    };
    play(600);  // warm-up: every vector at the size a long match needs
    const auto before = tickwire::test::heap_allocations();
    play(600);
    EXPECT_EQ(tickwire::test::heap_allocations(), before);
    EXPECT_GT(figures.totals().applied, 30000u);
}

}  // namespace
}  // namespace tickwire::game::server
