// "Encoding a 64-entity snapshot performs no heap allocation after warm-up":
// this executable replaces the global allocation functions with counting
// ones and checks the count across encodes with a reused builder.


#include <gtest/gtest.h>

#include "counting_allocator.hpp"

#include "tickwire/schemas/game.hpp"
#include "tickwire/schemas/session.hpp"

namespace tickwire::schemas {
namespace {

std::vector<game::EntityState> entities(std::size_t count, std::uint32_t tick) {
    std::vector<game::EntityState> out;
    for (std::uint32_t i = 0; i < count; ++i) {
        out.emplace_back(i + 1, static_cast<std::int32_t>(i * 300 + tick), static_cast<std::int32_t>(tick), 3, -3,
                         static_cast<std::uint16_t>(i * 97 + tick), 1, game::EntityKind::Player,
                         game::EntityFlags::Alive, 100, 0);
    }
    return out;
}

TEST(SnapshotAllocation, CountingAllocatorSeesAllocations) {
    const auto before = tickwire::test::heap_allocations();
    // Called directly: a new-expression whose result is unused may be elided.
    void* p = ::operator new(sizeof(int));
    ::operator delete(p);
    EXPECT_EQ(tickwire::test::heap_allocations(), before + 1);
}

TEST(SnapshotAllocation, EncodingA64EntitySnapshotAllocatesNothingAfterWarmUp) {
    const auto world = entities(64, 1);
    flatbuffers::FlatBufferBuilder snapshot_fbb(1024);
    flatbuffers::FlatBufferBuilder packet_fbb(1024);
    // Warm-up: the builders grow to the size a snapshot needs, once.
    for (std::uint32_t tick = 1; tick <= 3; ++tick) {
        const auto game_bytes = encode_snapshot(snapshot_fbb, {.server_tick = tick}, world);
        (void)encode_payload(packet_fbb, {.sequence = tick}, game_bytes);
    }

    const auto before = tickwire::test::heap_allocations();
    std::size_t total_bytes = 0;
    for (std::uint32_t tick = 4; tick < 1004; ++tick) {
        const auto game_bytes =
            encode_snapshot(snapshot_fbb, {.server_tick = tick, .baseline_tick = tick - 1}, world);
        const auto packet = encode_payload(
            packet_fbb, {.sequence = tick, .delivery = session::DeliveryClass::LatestState}, game_bytes);
        total_bytes += packet.size();
        // Verify-then-read allocates nothing either.
        const auto payload = read_payload(packet);
        const auto snapshot = read_snapshot(payload_bytes(*payload.message));
        total_bytes += snapshot->entities()->size();
    }
    const auto after = tickwire::test::heap_allocations();

    EXPECT_EQ(after - before, 0u) << "heap allocations in 1000 encode+verify+read of 64 entities";
    EXPECT_GT(total_bytes, 1000u * 64u * sizeof(game::EntityState));
}

}  // namespace
}  // namespace tickwire::schemas
