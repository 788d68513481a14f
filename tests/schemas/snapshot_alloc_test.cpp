// "Encoding a 64-entity snapshot performs no heap allocation after warm-up":
// this executable replaces the global allocation functions with counting
// ones and checks the count across encodes with a reused builder.

#include <atomic>
#include <cstdlib>
#include <new>

#include <gtest/gtest.h>

#include "tickwire/schemas/game.hpp"
#include "tickwire/schemas/session.hpp"

namespace {
std::atomic<std::size_t> g_allocations{0};

void* counted_alloc(std::size_t size) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t size) { return counted_alloc(size); }
void* operator new[](std::size_t size) { return counted_alloc(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size == 0 ? 1 : size);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

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
    const auto before = g_allocations.load();
    auto* p = new int(3);
    delete p;
    EXPECT_EQ(g_allocations.load(), before + 1);
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

    const auto before = g_allocations.load();
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
    const auto after = g_allocations.load();

    EXPECT_EQ(after - before, 0u) << "heap allocations in 1000 encode+verify+read of 64 entities";
    EXPECT_GT(total_bytes, 1000u * 64u * sizeof(game::EntityState));
}

}  // namespace
}  // namespace tickwire::schemas
