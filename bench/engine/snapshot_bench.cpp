// snapshot_bench: the per-tick cost of the snapshot path for 64 entities:
// encode (reused builder), verify-then-read, full decode (every field), and
// the session envelope around it. allocs/1000 counts global operator new
// calls (replaced in this executable) in 1000 operations after warm-up; it
// must be 0.

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include <benchmark/benchmark.h>

#include "tickwire/schemas/game.hpp"
#include "tickwire/schemas/session.hpp"

namespace {
std::atomic<std::uint64_t> g_allocations{0};
}  // namespace

// noinline: once inlined, GCC pairs the malloc/free inside with the
// new/delete expressions of the callers and warns (-Wmismatched-new-delete).
[[gnu::noinline]] void* operator new(std::size_t size) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using namespace tickwire;
using namespace tickwire::schemas;

constexpr std::size_t kEntities = 64;

std::vector<game::EntityState> make_world() {
    std::vector<game::EntityState> world;
    for (std::uint32_t i = 0; i < kEntities; ++i) {
        world.emplace_back(i + 1, quantise_position(static_cast<float>(i) * 37.5f), quantise_position(100.25f), 16, -8,
                           quantise_angle(0.1f * static_cast<float>(i)), 1 + i % 8, game::EntityKind::Player,
                           game::EntityFlags::Alive, 100, i % 2);
    }
    return world;
}

// Heap allocations made by 1000 calls of `op` (after the caller's warm-up),
// counted outside the timed loop so the framework's own allocations when it
// starts and stops timing are not charged to the code under test.
template <class Op>
double allocations_per_1000(Op&& op) {
    const std::uint64_t before = g_allocations.load();
    for (int i = 0; i < 1000; ++i) op();
    return static_cast<double>(g_allocations.load() - before);
}

void BM_SnapshotEncode64(benchmark::State& state) {
    const auto world = make_world();
    flatbuffers::FlatBufferBuilder fbb(4096);
    (void)encode_snapshot(fbb, {.server_tick = 1}, world);  // warm-up
    std::uint32_t tick = 2;
    state.counters["allocs/1000"] = allocations_per_1000([&] {
        benchmark::DoNotOptimize(encode_snapshot(fbb, {.server_tick = tick++}, world).data());
    });
    for (auto _ : state) {
        const auto bytes = encode_snapshot(fbb, {.server_tick = tick++, .baseline_tick = tick - 2}, world);
        benchmark::DoNotOptimize(bytes.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(fbb.GetSize()));
    state.counters["bytes"] = static_cast<double>(fbb.GetSize());
}
BENCHMARK(BM_SnapshotEncode64);

void BM_SnapshotVerify64(benchmark::State& state) {
    const auto world = make_world();
    flatbuffers::FlatBufferBuilder fbb(4096);
    const auto encoded = encode_snapshot(fbb, {.server_tick = 1}, world);
    const std::vector<std::byte> bytes(encoded.begin(), encoded.end());
    state.counters["allocs/1000"] =
        allocations_per_1000([&] { benchmark::DoNotOptimize(read_snapshot(bytes).message); });
    for (auto _ : state) {
        const auto snapshot = read_snapshot(bytes);
        benchmark::DoNotOptimize(snapshot.message);
    }
}
BENCHMARK(BM_SnapshotVerify64);

void BM_SnapshotVerifyAndDecode64(benchmark::State& state) {
    const auto world = make_world();
    flatbuffers::FlatBufferBuilder fbb(4096);
    const auto encoded = encode_snapshot(fbb, {.server_tick = 1}, world);
    const std::vector<std::byte> bytes(encoded.begin(), encoded.end());
    for (auto _ : state) {
        const auto snapshot = read_snapshot(bytes);
        // What a client does with it: every field of every entity, to floats.
        float sum = 0;
        for (const game::EntityState* e : *snapshot->entities()) {
            sum += position_units(e->x()) + position_units(e->y()) + velocity_units(e->vx()) +
                   velocity_units(e->vy()) + angle_radians(e->angle()) + static_cast<float>(e->id() + e->owner()) +
                   static_cast<float>(e->health() + e->team() + static_cast<int>(e->kind()) +
                                      static_cast<int>(e->flags()));
        }
        benchmark::DoNotOptimize(sum);
    }
}
BENCHMARK(BM_SnapshotVerifyAndDecode64);

void BM_SnapshotRoundTripInPacket64(benchmark::State& state) {
    const auto world = make_world();
    flatbuffers::FlatBufferBuilder game_fbb(4096);
    flatbuffers::FlatBufferBuilder packet_fbb(4096);
    (void)encode_payload(packet_fbb, {}, encode_snapshot(game_fbb, {.server_tick = 1}, world));  // warm-up
    std::uint32_t tick = 2;
    state.counters["allocs/1000"] = allocations_per_1000([&] {
        const auto packet = encode_payload(packet_fbb, {.sequence = tick},
                                           encode_snapshot(game_fbb, {.server_tick = tick}, world));
        benchmark::DoNotOptimize(read_snapshot(payload_bytes(*read_payload(packet).message)).message);
        ++tick;
    });
    for (auto _ : state) {
        const auto game_bytes = encode_snapshot(game_fbb, {.server_tick = tick}, world);
        const auto packet = encode_payload(
            packet_fbb, {.sequence = tick, .delivery = session::DeliveryClass::LatestState}, game_bytes);
        const auto payload = read_payload(packet);
        const auto snapshot = read_snapshot(payload_bytes(*payload.message));
        benchmark::DoNotOptimize(snapshot->entities()->Get(kEntities - 1)->x());
        ++tick;
    }
    state.counters["packet_bytes"] = static_cast<double>(packet_fbb.GetSize());
}
BENCHMARK(BM_SnapshotRoundTripInPacket64);

}  // namespace

BENCHMARK_MAIN();
