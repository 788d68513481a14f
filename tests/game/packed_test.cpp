// Snapshot.packed (game/protocol packed.hpp): exact round trips for random
// worlds with extreme values, and hostile bytes (truncated, bit-flipped,
// random, hand-made inconsistencies) rejected with a reason, never a crash.
// Run it under -DTICKWIRE_SANITIZE=address,undefined as well.
#include "tickwire/game/protocol/packed.hpp"

#include <algorithm>
#include <climits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "tickwire/game/protocol/wire.hpp"

namespace tickwire::game::protocol {
namespace {

using Bytes = std::vector<std::uint8_t>;

bool equal(std::span<const Entity> a, std::span<const Entity> b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!same_entity(a[i], b[i])) return false;
    }
    return true;
}

bool sorted_unique(std::span<const Entity> v) {
    for (std::size_t i = 1; i < v.size(); ++i) {
        if (v[i - 1].id() >= v[i].id()) return false;
    }
    return true;
}

// Values that break naive arithmetic, mixed with ordinary ones.
std::int32_t any_i32(std::mt19937& rng) {
    static constexpr std::int32_t kEdges[] = {INT32_MIN, INT32_MIN + 1, -1, 0, 1, INT32_MAX - 1, INT32_MAX};
    switch (rng() % 4) {
    case 0: return kEdges[rng() % std::size(kEdges)];
    case 1: return static_cast<std::int32_t>(rng());
    default: return static_cast<std::int32_t>(rng() % 409600);  // inside the arena
    }
}
std::uint32_t any_bits(std::mt19937& rng, unsigned bits) {
    const std::uint32_t mask = bits >= 32 ? 0xFFFFFFFFu : (1u << bits) - 1u;
    switch (rng() % 3) {
    case 0: return (rng() % 2 == 0) ? 0u : mask;  // 0 and all ones (INT16_MIN/-1 and friends)
    case 1: return (rng() % 2 == 0) ? mask >> 1 : (mask >> 1) + 1;  // INT16_MAX / INT16_MIN
    default: return static_cast<std::uint32_t>(rng()) & mask;
    }
}

Entity random_entity(std::uint32_t id, std::mt19937& rng) {
    return Entity(id, any_i32(rng), any_i32(rng), static_cast<std::int16_t>(any_bits(rng, 16)),
                  static_cast<std::int16_t>(any_bits(rng, 16)), static_cast<std::uint16_t>(any_bits(rng, 16)),
                  static_cast<std::uint16_t>(any_bits(rng, 16)), static_cast<EntityKind>(any_bits(rng, 8)),
                  static_cast<EntityFlags>(any_bits(rng, 8)), static_cast<std::uint8_t>(any_bits(rng, 8)),
                  static_cast<std::uint8_t>(any_bits(rng, 8)));
}

// One field of `e` changed: a small step, a wrap-around or a random value.
Entity tweak(const Entity& e, std::mt19937& rng) {
    std::int32_t x = e.x(), y = e.y();
    std::int16_t vx = e.vx(), vy = e.vy();
    std::uint16_t angle = e.angle(), owner = e.owner();
    std::uint8_t kind = static_cast<std::uint8_t>(e.kind()), flags = static_cast<std::uint8_t>(e.flags());
    std::uint8_t health = e.health(), team = e.team();
    const auto step = [&](std::uint32_t v) -> std::uint32_t {
        const auto small = static_cast<std::uint32_t>(1 + rng() % 300);
        switch (rng() % 3) {
        case 0: return v + small;
        case 1: return v - small;
        default: return static_cast<std::uint32_t>(rng());
        }
    };
    switch (rng() % 10) {
    case 0: x = static_cast<std::int32_t>(step(static_cast<std::uint32_t>(x))); break;
    case 1: y = static_cast<std::int32_t>(step(static_cast<std::uint32_t>(y))); break;
    case 2: vx = static_cast<std::int16_t>(step(static_cast<std::uint16_t>(vx))); break;
    case 3: vy = static_cast<std::int16_t>(step(static_cast<std::uint16_t>(vy))); break;
    case 4: angle = static_cast<std::uint16_t>(step(angle)); break;
    case 5: owner = static_cast<std::uint16_t>(step(owner)); break;
    case 6: kind = static_cast<std::uint8_t>(step(kind)); break;
    case 7: flags = static_cast<std::uint8_t>(step(flags)); break;
    case 8: health = static_cast<std::uint8_t>(step(health)); break;
    default: team = static_cast<std::uint8_t>(step(team)); break;
    }
    return Entity(e.id(), x, y, vx, vy, angle, owner, static_cast<EntityKind>(kind), static_cast<EntityFlags>(flags),
                  health, team);
}

std::vector<Entity> random_world(std::mt19937& rng, std::size_t max_count) {
    std::vector<std::uint32_t> ids;
    const std::size_t n = rng() % (max_count + 1);
    for (std::size_t i = 0; i < n; ++i) {
        // Small ids, large ones and the extremes.
        const std::uint32_t r = static_cast<std::uint32_t>(rng());
        ids.push_back(i % 7 == 0 ? 0xFFFFFFFFu - r % 3 : (i % 3 == 0 ? 1 + r : 1 + r % 2000));
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::vector<Entity> out;
    for (const std::uint32_t id : ids) out.push_back(random_entity(id, rng));
    return out;
}

// Some of `reference` removed, some changed (several fields), new ids added.
std::vector<Entity> evolve(std::span<const Entity> reference, std::mt19937& rng) {
    std::vector<Entity> out;
    for (const Entity& e : reference) {
        const unsigned roll = rng() % 10;
        if (roll == 0) continue;  // removed
        Entity next = e;
        if (roll < 5) {
            for (unsigned k = 1 + rng() % 4; k > 0; --k) next = tweak(next, rng);
        }
        if (roll == 5) next = random_entity(e.id(), rng);
        out.push_back(next);
    }
    for (const Entity& e : random_world(rng, 40)) {
        const auto at = std::lower_bound(out.begin(), out.end(), e.id(),
                                         [](const Entity& a, std::uint32_t id) { return a.id() < id; });
        if (at == out.end() || at->id() != e.id()) out.insert(at, e);
    }
    return out;
}

TEST(PackedSnapshot, RandomWorldsWithExtremeValuesRoundTripExactly) {
    std::mt19937 rng(20240611);
    Bytes bytes;
    std::vector<Entity> decoded, changed;
    std::vector<std::uint32_t> removed;
    std::size_t entities = 0, removals = 0;
    for (int round = 0; round < 3000; ++round) {
        const std::vector<Entity> reference = round % 10 == 0 ? std::vector<Entity>{} : random_world(rng, 120);
        const std::vector<Entity> current = evolve(reference, rng);
        // Tick gaps from none to absurd: the position prediction must wrap, not overflow.
        static constexpr std::uint32_t kGaps[] = {0, 1, 2, 3, 4, 7, 1024, 1025, 0xFFFFFFFFu};
        const std::uint32_t ticks = kGaps[rng() % std::size(kGaps)];
        const PackedCounts n = pack(reference, current, ticks, bytes);
        const auto why = unpack(bytes, reference, ticks, decoded);
        ASSERT_TRUE(why.empty()) << why << " in round " << round;
        ASSERT_TRUE(equal(decoded, current)) << "round " << round;
        // The counts are exactly what the struct form would carry.
        diff(reference, current, changed, removed);
        ASSERT_EQ(n.entities, changed.size());
        ASSERT_EQ(n.removed, removed.size());
        entities += n.entities;
        removals += n.removed;
    }
    EXPECT_GT(entities, 50000u);
    EXPECT_GT(removals, 5000u);
}

TEST(PackedSnapshot, UnchangedWorldPacksToTwoBytesAndExtremesWrapExactly) {
    const std::vector<Entity> world = {
        Entity(1, INT32_MIN, INT32_MAX, INT16_MIN, INT16_MAX, 0, 0, EntityKind::Player, EntityFlags::Alive, 0, 255),
        Entity(0xFFFFFFFFu, INT32_MAX, INT32_MIN, INT16_MAX, INT16_MIN, 65535, 65535, EntityKind::Projectile,
               EntityFlags::Alive, 255, 0)};
    Bytes bytes;
    std::vector<Entity> out;
    PackedCounts n = pack(world, world, 2, bytes);
    EXPECT_EQ(n.entities, 0u);
    EXPECT_EQ(bytes, (Bytes{0, 0}));
    ASSERT_TRUE(unpack(bytes, world, 2, out).empty());
    EXPECT_TRUE(equal(out, world));

    // Every field jumps from one extreme to the other: the wrapping
    // difference is the smallest one, and exact.
    const std::vector<Entity> flipped = {
        Entity(1, INT32_MAX, INT32_MIN, INT16_MAX, INT16_MIN, 65535, 65535, EntityKind::Projectile,
               EntityFlags::Teleported, 255, 0),
        Entity(0xFFFFFFFFu, INT32_MIN, INT32_MAX, INT16_MIN, INT16_MAX, 0, 0, EntityKind::None, EntityFlags::NONE, 0,
               255)};
    for (const std::uint32_t ticks : {0u, 2u, 1024u, 0xFFFFFFFFu}) {
        n = pack(world, flipped, ticks, bytes);
        EXPECT_EQ(n.entities, 2u);
        ASSERT_TRUE(unpack(bytes, world, ticks, out).empty());
        EXPECT_TRUE(equal(out, flipped)) << ticks;
    }
    // From nothing (a full snapshot) too.
    n = pack({}, flipped, 0, bytes);
    EXPECT_EQ(n.entities, 2u);
    ASSERT_TRUE(unpack(bytes, {}, 0, out).empty());
    EXPECT_TRUE(equal(out, flipped));
}

TEST(PackedSnapshot, ATurningShipCostsThreeBytesAndAFullWorldLessThanStructs) {
    // 16 ships cruising at top speed; between snapshots only their aim turns.
    std::vector<Entity> before, now, reference;
    for (std::uint32_t id = 1; id <= 16; ++id) {
        before.emplace_back(id, static_cast<std::int32_t>(id * 20000), 90000, 80, -40, static_cast<std::uint16_t>(id * 3000),
                            static_cast<std::uint16_t>(id), EntityKind::Player, EntityFlags::Alive, 100,
                            sim::player_colour(id));
    }
    extrapolate(before, 2, reference);
    for (Entity e : reference) {
        now.emplace_back(e.id(), e.x(), e.y(), e.vx(), e.vy(), static_cast<std::uint16_t>(e.angle() + 1000 + e.id() * 50),
                         e.owner(), e.kind(), e.flags(), e.health(), e.team());
    }
    Bytes bytes;
    const PackedCounts delta = pack(reference, now, 2, bytes);
    EXPECT_EQ(delta.entities, 16u);
    EXPECT_EQ(bytes.size(), 2 + 16 * 3u) << "a head byte and a two-byte angle each (consecutive ids cost nothing)";

    // A ship turning its thrust: velocities change, positions follow the
    // predicted path to within a byte each (dead reckoning alone: 2-3 bytes).
    const sim::Arena arena = sim::Arena::standard();
    sim::Body body{200 * sim::kUnit, 300 * sim::kUnit, 60, -20};
    const auto ship = [&](std::uint16_t aim) {
        return std::vector<Entity>{Entity(1, body.x, body.y, static_cast<std::int16_t>(body.vx),
                                          static_cast<std::int16_t>(body.vy), aim, 1, EntityKind::Player,
                                          EntityFlags::Alive, 100, 7)};
    };
    const std::vector<Entity> cruising = ship(1000);
    for (int t = 0; t < 2; ++t) sim::step_movement(body, sim::sanitise_wire(-90, 90, 0, false), arena);
    extrapolate(cruising, 2, reference);
    const std::vector<Entity> turned = ship(1400);
    ASSERT_NE(turned[0].vx(), cruising[0].vx());
    ASSERT_NE(turned[0].vy(), cruising[0].vy());
    pack(reference, turned, 2, bytes);
    EXPECT_LE(bytes.size(), 2 + 7u) << "head, angle 2, vx, vy, x, y";
    std::vector<Entity> decoded;
    ASSERT_TRUE(unpack(bytes, reference, 2, decoded).empty());
    EXPECT_TRUE(equal(decoded, turned));

    // A real world from nothing (a full snapshot), projectiles included.
    sim::World world;
    for (std::uint32_t p = 1; p <= 16; ++p) world.add_player(p);
    for (int t = 0; t < 60; ++t) {
        for (std::uint32_t p = 1; p <= 16; ++p) {
            world.set_input(p, sim::sanitise_wire(static_cast<std::int8_t>(p * 16), 60, static_cast<std::uint16_t>(p * 4000 + t * 50), true));
        }
        world.step();
    }
    std::vector<Entity> full, out;
    capture(world, full, 2);
    const PackedCounts all = pack({}, full, 0, bytes);
    EXPECT_EQ(all.entities, full.size());
    EXPECT_GT(full.size(), 50u);
    EXPECT_LT(bytes.size(), full.size() * sizeof(Entity) * 3 / 4);
    ASSERT_TRUE(unpack(bytes, {}, 0, out).empty());
    EXPECT_TRUE(equal(out, full));
}

TEST(PackedSnapshot, EveryTruncationIsRejected) {
    std::mt19937 rng(99);
    const std::vector<Entity> reference = random_world(rng, 60);
    const std::vector<Entity> current = evolve(reference, rng);
    Bytes bytes;
    pack(reference, current, 2, bytes);
    ASSERT_GT(bytes.size(), 100u);
    std::vector<Entity> out;
    for (std::size_t len = 0; len < bytes.size(); ++len) {
        const auto why = unpack(std::span(bytes).first(len), reference, 2, out);
        EXPECT_FALSE(why.empty()) << "prefix of " << len << " bytes accepted";
        EXPECT_TRUE(out.empty());
    }
    Bytes longer = bytes;
    longer.push_back(0);
    EXPECT_EQ(unpack(longer, reference, 2, out), "trailing bytes after packed snapshot");
}

TEST(PackedSnapshot, FlippedBitsAndRandomBytesNeverCrashAndAreMostlyRejected) {
    std::mt19937 rng(4242);
    const std::vector<Entity> reference = random_world(rng, 80);
    const std::vector<Entity> current = evolve(reference, rng);
    Bytes bytes;
    pack(reference, current, 2, bytes);
    std::vector<Entity> out;
    std::size_t rejected = 0, tries = 0;
    for (std::size_t bit = 0; bit < bytes.size() * 8; ++bit) {
        Bytes bad = bytes;
        bad[bit / 8] = static_cast<std::uint8_t>(bad[bit / 8] ^ (1u << (bit % 8)));
        const auto why = unpack(bad, reference, 2, out);
        ++tries;
        if (!why.empty()) {
            ++rejected;
            EXPECT_TRUE(out.empty());
        } else {
            // A flip inside a field value is a different, valid delta; what
            // comes out is still a well-formed state.
            EXPECT_TRUE(sorted_unique(out));
            EXPECT_LE(out.size(), schemas::kMaxSnapshotEntities);
        }
    }
    EXPECT_GT(rejected, tries / 10);

    for (int round = 0; round < 20000; ++round) {
        Bytes junk(rng() % 64);
        for (auto& b : junk) b = static_cast<std::uint8_t>(rng());
        if (round % 2 == 0 && !junk.empty()) junk[0] = static_cast<std::uint8_t>(rng() % 4);  // plausible counts
        const auto why = unpack(junk, reference, rng() % 5, out);
        if (why.empty()) {
            EXPECT_TRUE(sorted_unique(out));
        } else {
            EXPECT_TRUE(out.empty());
        }
    }
}

TEST(PackedSnapshot, InconsistentInputIsRejectedWithAReason) {
    const std::vector<Entity> reference = {
        Entity(5, 0, 0, 0, 0, 0, 1, EntityKind::Player, EntityFlags::Alive, 100, 0),
        Entity(9, 0, 0, 0, 0, 0, 1, EntityKind::Player, EntityFlags::Alive, 100, 0)};
    std::vector<Entity> out;
    const auto reject = [&](Bytes bytes) { return std::string(unpack(bytes, reference, 2, out)); };
    // removed_count, removed gaps..., entity_count, {head, [id_gap], deltas...}...
    EXPECT_EQ(reject({0, 1, 0x01, 5}), "");                           // entity 5 unchanged: fine
    EXPECT_EQ(reject({1, 5, 0}), "");                                 // remove 5: fine
    EXPECT_EQ(out.size(), 1u);
    EXPECT_EQ(reject({1, 6, 0}), "removed id not in baseline");
    EXPECT_EQ(reject({1, 10, 0}), "removed id not in baseline");     // beyond the last
    EXPECT_EQ(reject({2, 5, 0, 0}), "removed ids out of order");
    EXPECT_EQ(reject({1, 5, 1, 0x01, 5}), "removed id not in baseline");  // both removed and changed
    EXPECT_EQ(reject({0, 2, 0x01, 5, 0x01, 0}), "entity ids out of order");
    EXPECT_EQ(reject({0, 1, 0x81, 0x10, 5}), "unknown entity field");  // head bit 11
    EXPECT_EQ(reject({0, 1, 0x41, 5, 0x80, 0x02}), "entity field out of range");  // flags delta 256
    EXPECT_EQ(reject({0, 2, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00}), "entity id out of range");
    EXPECT_EQ(reject({0, 1, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F}), "varint too long");  // 33 bits
    EXPECT_EQ(reject({0, 1, 0x01, 0x85, 0x80, 0x80, 0x80, 0x80, 0x00}), "varint too long");  // 6 bytes
    EXPECT_EQ(reject({0, 1, 0x03, 5, 0xFF}), "packed snapshot truncated");  // angle cut short
    EXPECT_EQ(reject({0x81, 0x08}), "too many removals");            // 1025
    EXPECT_EQ(reject({0, 0x81, 0x08}), "too many entities");
    EXPECT_EQ(reject({}), "packed snapshot truncated");
    EXPECT_TRUE(out.empty());
}

TEST(PackedSnapshot, TheStateNeverGrowsPastTheEntityLimit) {
    // A reference at the limit plus one new entity.
    std::vector<Entity> reference;
    for (std::uint32_t id = 1; id <= schemas::kMaxSnapshotEntities; ++id) {
        reference.emplace_back(id, 0, 0, 0, 0, 0, 0, EntityKind::Projectile, EntityFlags::Alive, 0, 0);
    }
    std::vector<Entity> out;
    EXPECT_EQ(unpack(Bytes{0, 1, 0x01, 0x81, 0x08}, reference, 2, out), "too many entities");  // id 1025, no fields
    EXPECT_EQ(unpack(Bytes{0, 1, 0x01, 0x80, 0x08}, reference, 2, out), "");                   // id 1024, unchanged
    EXPECT_EQ(out.size(), schemas::kMaxSnapshotEntities);
}

}  // namespace
}  // namespace tickwire::game::protocol
