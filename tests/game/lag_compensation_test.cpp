// Lag compensation in the simulation alone: ShipHistory, and shots judged
// against the ships as the shooter saw them (World::set_input's rewind),
// within the rules of types.hpp: the rewind holds for the first
// kRewindFullFlight ticks of flight, then shrinks to the present; a ship
// dead, respawned or teleported at the rewound time is not hit.
#include <cmath>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "tickwire/game/sim/world.hpp"

namespace tickwire::game::sim {
namespace {

constexpr std::uint32_t kShooter = 1, kTarget = 2;
constexpr std::uint32_t kRewind = 15 * kTickQ8;  // 250 ms: the match server's cap

Arena empty_arena() {
    Arena arena;
    arena.spawns = {{100 * kUnit, 100 * kUnit}, {1500 * kUnit, 900 * kUnit}};
    return arena;
}

std::uint16_t aim_at(const World& w, std::int32_t x, std::int32_t y) {
    const Ship* s = w.find_ship(kShooter);
    const double angle = std::atan2(static_cast<double>(y - s->body.y), static_cast<double>(x - s->body.x));
    return sanitise_intent(0, 0, static_cast<float>(angle), true).aim;
}

// A target that sat still at (700, 500) and then starts to run down the
// screen at full thrust (unless `ticks_running` is 0); the shooter, `range`
// units to its left, fires at where it sat, `ticks_running` ticks after it
// started to run, with `rewind`.
struct Duel {
    World w{empty_arena()};
    std::uint32_t shot_tick = 0;

    Duel(std::int32_t range, int ticks_running, std::uint32_t rewind) {
        w.add_player(kShooter);
        w.add_player(kTarget);
        w.place_ship(kShooter, (700 - range) * kUnit, 500 * kUnit);
        w.place_ship(kTarget, 700 * kUnit, 500 * kUnit);
        for (int i = 0; i < 40; ++i) w.step();  // a history of sitting still
        if (ticks_running > 0) w.set_input(kTarget, Input{0, 127, 0, false});
        for (int i = 0; i < ticks_running - 1; ++i) w.step();
        w.set_input(kShooter, Input{0, 0, aim_at(w, 700 * kUnit, 500 * kUnit), true}, rewind);
        w.step();
        shot_tick = w.tick();
        w.set_input(kShooter, Input{0, 0, 0, false});
    }

    // Steps until the shot hits or expires; true if it hit the target.
    bool hit() {
        for (int i = 0; i <= kProjectileLifetime; ++i) {
            for (const Hit& h : w.hits()) {
                if (h.shooter == kShooter && h.victim == kTarget) return true;
            }
            if (w.projectiles().empty() && i > 0) return false;
            w.step();
        }
        return false;
    }
};

TEST(ShipHistory, InterpolatesBetweenTicksAndKnowsOnlyItsWindow) {
    World w(empty_arena());
    w.add_player(kTarget);
    w.place_ship(kTarget, 700 * kUnit, 500 * kUnit);
    w.set_input(kTarget, Input{127, 0, 0, false});
    for (int i = 0; i < 60; ++i) w.step();
    const ShipHistory& h = w.history();
    const std::uint64_t now = std::uint64_t{w.tick()} * kTickQ8;
    const auto present = h.position(kTarget, now);
    ASSERT_TRUE(present);
    EXPECT_EQ(present->x, w.find_ship(kTarget)->body.x);
    const auto before = h.position(kTarget, now - kTickQ8);
    const auto between = h.position(kTarget, now - kTickQ8 / 2);
    ASSERT_TRUE(before && between);
    EXPECT_LT(before->x, between->x);
    EXPECT_LT(between->x, present->x);
    EXPECT_NEAR(between->x, (before->x + present->x) / 2, 1);
    EXPECT_TRUE(h.position(kTarget, now - (kHistoryTicks - 1) * kTickQ8)) << "the whole window is kept";
    EXPECT_FALSE(h.position(kTarget, now - kHistoryTicks * kTickQ8)) << "older than the history";
    EXPECT_FALSE(h.position(kTarget, now + kTickQ8 / 2)) << "the future is not known";
    EXPECT_FALSE(h.position(99, now)) << "nobody of that id";
}


// A Moment answers what position() answers, in the World's order (its fast
// path), backwards and for ids it does not know, mixed.
TEST(ShipHistory, AMomentAnswersAsPositionInAnyOrder) {
    World w(empty_arena());
    for (std::uint32_t id = 1; id <= 8; ++id) {
        w.add_player(id * 3);  // ids 3, 6, ..., 24: gaps to ask about
        w.place_ship(id * 3, static_cast<std::int32_t>(100 + id * 150) * kUnit, 500 * kUnit);
        w.set_input(id * 3, Input{static_cast<std::int8_t>(id * 15), static_cast<std::int8_t>(-40), 0, false});
    }
    for (int i = 0; i < 20; ++i) w.step();
    const ShipHistory& h = w.history();
    const std::uint64_t then = std::uint64_t{w.tick()} * kTickQ8 - 5 * kTickQ8 - kTickQ8 / 3;
    const std::uint32_t asked[] = {3, 6, 7, 12, 24, 25, 9, 3, 2, 15, 15, 18, 1, 21, 24};
    ShipHistory::Moment moment = h.at(then);
    int known = 0;
    for (const std::uint32_t id : asked) {
        const auto expected = h.position(id, then);
        const auto got = moment.position(id);
        ASSERT_EQ(got.has_value(), expected.has_value()) << "id " << id;
        if (!got) continue;
        ++known;
        EXPECT_EQ(got->x, expected->x) << "id " << id;
        EXPECT_EQ(got->y, expected->y) << "id " << id;
    }
    EXPECT_EQ(known, 11) << "every asked id that has a ship";
    EXPECT_FALSE(h.at(std::uint64_t{w.tick()} * kTickQ8 + kTickQ8 / 2).position(3)) << "the future is not known";
}
// A ship's reach holds every position the history gives for it from the
// oldest tick asked on, and no more than that.
TEST(ShipHistory, AShipsReachHoldsWhereItWasSinceTheOldestTickAskedFor) {
    World w(empty_arena());
    w.add_player(kShooter);
    w.add_player(kTarget);
    w.place_ship(kShooter, 300 * kUnit, 300 * kUnit);
    w.place_ship(kTarget, 700 * kUnit, 500 * kUnit);
    w.set_input(kTarget, Input{127, 64, 0, false});
    for (int i = 0; i < 40; ++i) w.step();
    const ShipHistory& h = w.history();
    const std::vector<Ship> ships = w.ships();
    std::vector<Box> boxes(ships.size());
    const std::uint32_t oldest = w.tick() - 10;
    h.reach(ships, oldest, boxes);
    const Box& target = boxes[1];
    ASSERT_EQ(ships[1].player_id, kTarget);
    for (std::uint64_t t = std::uint64_t{oldest} * kTickQ8; t <= std::uint64_t{w.tick()} * kTickQ8; t += kTickQ8 / 4) {
        const auto at = h.position(kTarget, t);
        ASSERT_TRUE(at);
        EXPECT_FALSE(target.farther_than(1, at->x, at->y)) << "at " << t;
    }
    const auto before = h.position(kTarget, std::uint64_t{oldest - 1} * kTickQ8);
    ASSERT_TRUE(before);
    EXPECT_TRUE(target.farther_than(1, before->x, before->y)) << "a tick older than asked for is not in it";
    EXPECT_EQ(boxes[0].min_x, boxes[0].max_x) << "a ship at rest reaches where it is";
    h.reach(ships, w.tick(), boxes);
    EXPECT_EQ(boxes[1].max_x, ships[1].body.x) << "the present only: where it is now";
}

TEST(LagCompensation, AShotAtWhereTheShooterSawTheTargetHitsWithTheRewindAndMissesWithout) {
    // 100 units, 8 ticks after the target started running: it moved on ~10
    // units by the shot and ~25 by the time the shot gets there.
    Duel compensated(100, 8, kRewind);
    EXPECT_TRUE(compensated.hit());
    ASSERT_FALSE(compensated.w.hits().empty());
    EXPECT_EQ(compensated.w.hits().front().rewind_q8, kRewind);
    EXPECT_EQ(compensated.w.find_ship(kTarget)->health, kMaxHealth - kDamage);

    Duel present(100, 8, 0);
    EXPECT_FALSE(present.hit());
    EXPECT_EQ(present.w.find_ship(kTarget)->health, kMaxHealth);
}

TEST(LagCompensation, ARewindBeyondTheSimsBoundIsClamped) {
    World w(empty_arena());
    w.add_player(kShooter);
    w.set_input(kShooter, Input{}, 1000 * kTickQ8);
    EXPECT_EQ(w.find_ship(kShooter)->shot_rewind_q8, kMaxRewindQ8);
}

TEST(LagCompensation, ALongShotIsJudgedInThePresent) {
    // 520 units: the shot flies ~42 ticks, past kRewindFullFlight and the
    // shrinking after it, so the target that ran away is missed even though
    // the shooter saw it sitting there.
    Duel long_shot(520, 8, kRewind);
    EXPECT_FALSE(long_shot.hit());
    // The same range with the target still sitting there hits: the miss is
    // the judgement in the present, not the aim.
    Duel sitting(520, 0, 0);
    EXPECT_TRUE(sitting.hit());
}

// The shooter at (600, 500), the target sitting at (700, 500) for 40 ticks.
void face_off(World& w) {
    w.add_player(kShooter);
    w.add_player(kTarget);
    w.place_ship(kShooter, 600 * kUnit, 500 * kUnit);
    w.place_ship(kTarget, 700 * kUnit, 500 * kUnit);
    for (int i = 0; i < 40; ++i) w.step();
}

TEST(LagCompensation, AShipThatTeleportedSinceTheRewoundTimeIsNotHit) {
    World w(empty_arena());
    face_off(w);
    w.place_ship(kTarget, 1400 * kUnit, 200 * kUnit);  // teleported away
    w.step();
    w.set_input(kShooter, Input{0, 0, aim_at(w, 700 * kUnit, 500 * kUnit), true}, kRewind);
    for (int i = 0; i < 30; ++i) {
        w.step();
        w.set_input(kShooter, Input{});
        EXPECT_TRUE(w.hits().empty()) << "hit a ship that had teleported away, tick " << w.tick();
    }
    EXPECT_EQ(w.find_ship(kTarget)->health, kMaxHealth);
}

TEST(LagCompensation, AShipDeadAtTheRewoundTimeIsNotHitAfterItCameBack) {
    World w(empty_arena());
    face_off(w);
    // Killed by one present-time shot...
    w.set_health(kTarget, kDamage);
    w.set_input(kShooter, Input{0, 0, aim_at(w, 700 * kUnit, 500 * kUnit), true});
    bool killed = false;
    for (int i = 0; i < 20 && !killed; ++i) {
        w.step();
        w.set_input(kShooter, Input{});
        killed = !w.kills().empty();
    }
    ASSERT_TRUE(killed);
    for (int i = 0; i < 25; ++i) w.step();
    // ...and back on the same spot (a test's place_ship): a shot rewound to
    // while it was dead finds nobody there.
    w.place_ship(kTarget, 700 * kUnit, 500 * kUnit);
    for (int i = 0; i < 2; ++i) w.step();
    w.set_input(kShooter, Input{0, 0, aim_at(w, 700 * kUnit, 500 * kUnit), true}, kRewind);
    w.step();
    w.set_input(kShooter, Input{});
    ASSERT_EQ(w.projectiles().size(), 1u) << "the shot was fired";
    for (int i = 0; i < 8; ++i) w.step();
    EXPECT_EQ(w.find_ship(kTarget)->health, kMaxHealth) << "hit while it was dead";
    // The same shot in the present hits: the target really is there.
    for (int i = 0; i < kFireCooldown; ++i) w.step();
    w.set_input(kShooter, Input{0, 0, aim_at(w, 700 * kUnit, 500 * kUnit), true});
    for (int i = 0; i < 12; ++i) {
        w.step();
        w.set_input(kShooter, Input{});
    }
    EXPECT_EQ(w.find_ship(kTarget)->health, kMaxHealth - kDamage);
}

TEST(LagCompensation, IsPartOfTheDeterministicState) {
    Duel a(100, 8, kRewind), b(100, 8, kRewind), c(100, 8, kRewind - kTickQ8);
    EXPECT_EQ(a.w.state_hash(), b.w.state_hash());
    EXPECT_NE(a.w.state_hash(), c.w.state_hash());
}

}  // namespace
}  // namespace tickwire::game::sim
