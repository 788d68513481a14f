// The wire glue without sockets: snapshot deltas (struct vectors and packed)
// reproduce the full state exactly through a real encode/verify/decode,
// removals, full snapshots when the client has acknowledged nothing usable,
// packets round-trip.
#include "tickwire/game/protocol/wire.hpp"

#include <random>

#include <gtest/gtest.h>

#include "tickwire/game/protocol/packed.hpp"

namespace tickwire::game::protocol {
namespace {

std::vector<Entity> entities_of(const Snapshot& snap) {
    std::vector<Entity> out;
    if (snap.entities() != nullptr) {
        for (const Entity* e : *snap.entities()) out.push_back(*e);
    }
    return out;
}
std::vector<std::uint32_t> removed_of(const Snapshot& snap) {
    std::vector<std::uint32_t> out;
    if (snap.removed() != nullptr) out.assign(snap.removed()->begin(), snap.removed()->end());
    return out;
}

bool equal(std::span<const Entity> a, std::span<const Entity> b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!same_entity(a[i], b[i])) return false;
    }
    return true;
}

TEST(SnapshotDelta, BaselinePlusDeltaEqualsFullStateForRandomWorlds) {
    std::mt19937 rng(7);
    Codec codec;
    for (int world_seed = 0; world_seed < 20; ++world_seed) {
        sim::World world;
        const int players = 2 + world_seed % 30;
        for (int p = 1; p <= players; ++p) world.add_player(static_cast<std::uint32_t>(p));
        SnapshotRing ring;
        std::vector<Entity> full, changed, decoded, scratch;
        std::vector<std::uint32_t> removed;
        std::vector<std::uint8_t> packed;
        std::uint32_t acked = 0;
        for (int t = 0; t < 300; ++t) {
            for (int p = 1; p <= players; ++p) {
                sim::Input in;
                in.move_x = static_cast<std::int8_t>(static_cast<int>(rng() % 255) - 127);
                in.move_y = static_cast<std::int8_t>(static_cast<int>(rng() % 255) - 127);
                in.aim = static_cast<std::uint16_t>(rng());
                in.fire = rng() % 3 == 0;
                world.set_input(static_cast<std::uint32_t>(p), in);
            }
            if (t == 150) world.remove_player(1);  // a whole ship disappears
            world.step();
            if (world.tick() % 2 != 0) continue;
            capture(world, full);
            ring.put(world.tick(), full);
            const std::vector<Entity>* base = choose_baseline(ring, acked);
            if (base != nullptr) {
                make_delta(*base, acked, full, world.tick(), scratch, changed, removed);
            } else {
                changed = full;
                removed.clear();
            }
            // Through the real wire format, verified on the way in.
            const net::Message msg = codec.snapshot({world.tick(), base ? acked : 0, 0}, changed, removed);
            const Incoming in = decode(msg.bytes());
            ASSERT_NE(in.game, nullptr) << in.error;
            const Snapshot* snap = in.game->body_as_Snapshot();
            ASSERT_NE(snap, nullptr);
            const std::vector<Entity> rx = entities_of(*snap);
            if (snap->baseline_tick() == 0) {
                decoded = rx;
            } else {
                ASSERT_TRUE(apply_delta(*ring.find(snap->baseline_tick()), snap->baseline_tick(), snap->server_tick(), rx,
                                        removed_of(*snap), scratch, decoded));
            }
            ASSERT_TRUE(equal(decoded, full)) << "world " << world_seed << " tick " << world.tick();
            // The same snapshot packed, as the server sends it, through the
            // client's decoder.
            const std::uint32_t ticks = base != nullptr ? world.tick() - acked : 0;
            if (base != nullptr) extrapolate(*base, ticks, scratch);
            pack(base != nullptr ? std::span<const Entity>(scratch) : std::span<const Entity>{}, full, ticks, packed);
            const net::Message packed_msg = codec.snapshot({world.tick(), base ? acked : 0, 0}, packed);
            const Incoming packed_in = decode(packed_msg.bytes());
            ASSERT_NE(packed_in.game, nullptr) << packed_in.error;
            ASSERT_NE(packed_in.game->body_as_Snapshot()->packed(), nullptr);
            const auto why = decode_snapshot(*packed_in.game->body_as_Snapshot(), ring, scratch, decoded);
            ASSERT_TRUE(why.empty()) << why;
            ASSERT_TRUE(equal(decoded, full)) << "packed, world " << world_seed << " tick " << world.tick();
            // The client acks most snapshots, not all.
            if (rng() % 4 != 0) acked = world.tick();
        }
    }
}

TEST(SnapshotDelta, RemovedEntitiesAreListedAndUnchangedOnesOmitted) {
    std::vector<Entity> base = {Entity(1, 0, 0, 0, 0, 0, 1, EntityKind::Player, EntityFlags::Alive, 100, 0),
                                Entity(2, 5, 5, 0, 0, 0, 1, EntityKind::Projectile, EntityFlags::Alive, 0, 0),
                                Entity(3, 9, 9, 0, 0, 0, 2, EntityKind::Player, EntityFlags::Alive, 100, 0)};
    std::vector<Entity> now = {base[0], Entity(3, 10, 9, 0, 0, 0, 2, EntityKind::Player, EntityFlags::Alive, 80, 0),
                               Entity(4, 1, 1, 0, 0, 0, 2, EntityKind::Projectile, EntityFlags::Alive, 0, 0)};
    std::vector<Entity> changed, out;
    std::vector<std::uint32_t> removed;
    diff(base, now, changed, removed);
    ASSERT_EQ(removed, std::vector<std::uint32_t>{2});
    ASSERT_EQ(changed.size(), 2u);
    EXPECT_EQ(changed[0].id(), 3u);
    EXPECT_EQ(changed[1].id(), 4u);
    apply(base, changed, removed, out);
    EXPECT_TRUE(equal(out, now));
}

TEST(SnapshotDelta, EntitiesMovingInAStraightLineCostNothing) {
    // A projectile flying at constant velocity and a ship at rest.
    std::vector<Entity> base = {Entity(1, 1000, 1000, 0, 0, 0, 1, EntityKind::Player, EntityFlags::Alive, 100, 0),
                                Entity(2, 5000, 5000, 192, -10, 0, 1, EntityKind::Projectile, EntityFlags::Alive, 0, 0)};
    std::vector<Entity> now = {base[0], Entity(2, 5000 + 192 * 16 * 6, 5000 - 10 * 16 * 6, 192, -10, 0, 1,
                                               EntityKind::Projectile, EntityFlags::Alive, 0, 0)};
    std::vector<Entity> scratch, changed, out;
    std::vector<std::uint32_t> removed;
    make_delta(base, 100, now, 106, scratch, changed, removed);
    EXPECT_TRUE(changed.empty());
    EXPECT_TRUE(removed.empty());
    ASSERT_TRUE(apply_delta(base, 100, 106, changed, removed, scratch, out));
    EXPECT_TRUE(equal(out, now));
    // A gap the client cannot have asked for is refused, not extrapolated.
    EXPECT_FALSE(apply_delta(base, 106, 106, changed, removed, scratch, out));
    EXPECT_FALSE(apply_delta(base, 1, 1 + kMaxDeltaTicks + 1, changed, removed, scratch, out));
}

TEST(SnapshotDelta, FullSnapshotWhenNothingOrSomethingTooOldWasAcked) {
    SnapshotRing ring(8);
    std::vector<Entity> one = {Entity(1, 0, 0, 0, 0, 0, 1, EntityKind::Player, EntityFlags::Alive, 100, 0)};
    for (std::uint32_t t = 1; t <= 20; ++t) ring.put(t, one);
    EXPECT_EQ(choose_baseline(ring, 0), nullptr);   // never acked
    EXPECT_EQ(choose_baseline(ring, 3), nullptr);   // left the ring
    EXPECT_EQ(choose_baseline(ring, 25), nullptr);  // from the future (a lie)
    EXPECT_NE(choose_baseline(ring, 18), nullptr);
}

TEST(Codec, PacketsRoundTripAndGarbageIsRejected) {
    Codec codec;
    const net::Message hello = codec.hello("Alice");
    const Incoming in = decode(hello.bytes());
    ASSERT_NE(in.packet, nullptr);
    ASSERT_EQ(in.packet->body_type(), session::Body::Hello);
    EXPECT_EQ(in.packet->body_as_Hello()->client_name()->str(), "Alice");

    const net::Message chat = codec.chat(3, "Bob", "hi");
    const Incoming c = decode(chat.bytes());
    ASSERT_NE(c.game, nullptr);
    EXPECT_EQ(c.game->body_as_ChatMessage()->text()->str(), "hi");

    net::Message junk = net::Message::copy_of(std::string_view("not a flatbuffer at all, sorry"));
    const Incoming bad = decode(junk.bytes());
    EXPECT_EQ(bad.packet, nullptr);
    EXPECT_FALSE(bad.error.empty());
}

}  // namespace
}  // namespace tickwire::game::protocol
