// "Encoding a snapshot performs no heap allocation after warm-up", for the
// packed form the server sends: extrapolate the baseline, pack, build the
// game message and the session envelope, with reused buffers. This
// executable replaces the global allocation functions with counting ones.

#include <gtest/gtest.h>

#include "counting_allocator.hpp"

#include "tickwire/game/protocol/packed.hpp"
#include "tickwire/game/protocol/wire.hpp"

namespace tickwire::game::protocol {
namespace {

TEST(PackedAllocation, CountingAllocatorSeesAllocations) {
    const auto before = tickwire::test::heap_allocations();
    // Called directly: a new-expression whose result is unused may be elided.
    void* p = ::operator new(sizeof(int));
    ::operator delete(p);
    EXPECT_EQ(tickwire::test::heap_allocations(), before + 1);
}

TEST(PackedAllocation, PackingAndEncodingA32ShipMatchAllocatesNothingAfterWarmUp) {
    sim::World world;
    for (std::uint32_t p = 1; p <= 32; ++p) world.add_player(p);
    std::vector<Entity> baseline, current, reference, decoded;
    std::vector<std::uint8_t> packed;
    flatbuffers::FlatBufferBuilder game_fbb(4096), packet_fbb(4096);
    // Every buffer, the world's included, at the size a long match needs.
    const auto play = [&](std::uint32_t ticks) {
        for (std::uint32_t t = 0; t < ticks; ++t) {
            for (std::uint32_t p = 1; p <= 32; ++p) {
                world.set_input(p, sim::sanitise_wire(static_cast<std::int8_t>((p * 37 + world.tick()) % 255 - 127),
                                                      static_cast<std::int8_t>((p * 91) % 255 - 127),
                                                      static_cast<std::uint16_t>(p * 2000 + world.tick() * 300), true));
            }
            world.step();
        }
    };
    const auto encode_one = [&]() -> std::size_t {
        baseline.swap(current);
        const std::uint32_t baseline_tick = world.tick();
        play(2);
        capture(world, current, 2);
        extrapolate(baseline, world.tick() - baseline_tick, reference);
        const PackedCounts n = pack(reference, current, world.tick() - baseline_tick, packed);
        const auto game_bytes = schemas::encode_snapshot(game_fbb, {world.tick(), baseline_tick, 1}, {}, {}, packed);
        const auto packet = schemas::encode_payload(packet_fbb, {.sequence = world.tick()}, game_bytes);
        // The client side reuses its buffers too.
        EXPECT_TRUE(unpack(packed, reference, world.tick() - baseline_tick, decoded).empty());
        return packet.size() + n.entities;
    };
    // The server's buffers grow to the largest room they have seen and stay
    // there; start them there so the count below does not depend on when
    // this particular match reaches its largest projectile count.
    for (auto* v : {&baseline, &current, &reference, &decoded}) v->reserve(schemas::kMaxSnapshotEntities);
    packed.reserve(16 * 1024);
    play(120);
    capture(world, current, 2);
    for (int i = 0; i < 200; ++i) (void)encode_one();

    const auto before = tickwire::test::heap_allocations();
    std::size_t total = 0;
    for (int i = 0; i < 300; ++i) total += encode_one();
    const auto after = tickwire::test::heap_allocations();
    EXPECT_EQ(after - before, 0u) << "heap allocations in 300 extrapolate+pack+encode+unpack of a 32-ship room";
    EXPECT_GT(total, 300u * 32u);
}

}  // namespace
}  // namespace tickwire::game::protocol
