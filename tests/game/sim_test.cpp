// The arena simulation on its own: determinism, movement and collision,
// damage/kill/score/respawn rules, obstacles, rate of fire.
#include "tickwire/game/sim/world.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace tickwire::game::sim {
namespace {

// A pseudo-random but reproducible input for player p at tick t.
Input scripted_input(std::mt19937& rng) {
    std::uniform_int_distribution<int> axis(-127, 127);
    std::uniform_int_distribution<int> angle(0, 65535);
    std::uniform_int_distribution<int> coin(0, 3);
    Input in;
    in.move_x = static_cast<std::int8_t>(axis(rng));
    in.move_y = static_cast<std::int8_t>(axis(rng));
    in.aim = static_cast<std::uint16_t>(angle(rng));
    in.fire = coin(rng) == 0;
    return in;
}

// A world with one obstacle-free lane, for exact rule tests.
Arena empty_arena() {
    Arena arena;
    arena.spawns = {{100 * kUnit, 100 * kUnit}, {1500 * kUnit, 900 * kUnit}};
    return arena;
}

TEST(World, SameInputsGiveIdenticalHashOver10000Ticks) {
    World a, b;
    std::mt19937 rng_a(42), rng_b(42);
    for (std::uint32_t p = 1; p <= 12; ++p) {
        ASSERT_TRUE(a.add_player(p));
        ASSERT_TRUE(b.add_player(p));
    }
    int kills = 0;
    for (int t = 0; t < 10000; ++t) {
        // Inputs change every 20 ticks, like a person's.
        if (t % 20 == 0) {
            for (std::uint32_t p = 1; p <= 12; ++p) {
                a.set_input(p, scripted_input(rng_a));
                b.set_input(p, scripted_input(rng_b));
            }
        }
        a.step();
        b.step();
        kills += static_cast<int>(a.kills().size());
        ASSERT_EQ(a.state_hash(), b.state_hash()) << "diverged at tick " << t;
    }
    EXPECT_GT(kills, 0) << "the scripted match should see some kills";
}

TEST(World, DifferentInputsGiveDifferentHashes) {
    World a, b;
    a.add_player(1);
    b.add_player(1);
    Input in;
    in.move_x = 127;
    a.set_input(1, in);
    a.step();
    b.step();
    EXPECT_NE(a.state_hash(), b.state_hash());
}

TEST(World, ShipAcceleratesToATopSpeedAndStopsUnderDrag) {
    World w(empty_arena());
    w.add_player(1);
    w.place_ship(1, 400 * kUnit, 500 * kUnit);
    Input in;
    in.move_x = 127;
    w.set_input(1, in);
    for (int i = 0; i < 120; ++i) w.step();
    const Ship* s = w.find_ship(1);
    EXPECT_GE(s->body.vx, 80);
    EXPECT_LE(s->body.vx, kMaxSpeed);
    w.set_input(1, Input{});
    for (int i = 0; i < 200; ++i) w.step();
    EXPECT_EQ(w.find_ship(1)->body.vx, 0);
}

TEST(World, HeldMovesAreMadeGoodWithTheLateInputsNeverWithMoreSteps) {
    Input east, north;
    east.move_x = 127;
    north.move_y = -127;
    World w(empty_arena());
    w.add_player(1);
    w.place_ship(1, 800 * kUnit, 500 * kUnit);
    w.set_input(1, east);
    for (int i = 0; i < 10; ++i) w.step();
    const Body before = w.find_ship(1)->body;
    for (int i = 0; i < 6; ++i) w.step();  // six ticks held on "east"; the player had turned north
    const std::vector<Input> late(9, north);  // more late frames than ticks held: no extra steps
    ASSERT_TRUE(w.replace_held_moves(1, 6, late));
    Body steered = before;
    for (int i = 0; i < 6; ++i) step_movement(steered, north, w.arena());
    EXPECT_EQ(w.find_ship(1)->body.x, steered.x);
    EXPECT_EQ(w.find_ship(1)->body.y, steered.y);
    EXPECT_EQ(w.find_ship(1)->body.vy, steered.vy);
    EXPECT_LT(steered.y, before.y) << "it did go north";

    // Beyond the cap the hold stands; and so it does for a ship (re)spawned since.
    for (int i = 0; i < kMaxReplacedHeldTicks + 1; ++i) w.step();
    const Body held = w.find_ship(1)->body;
    EXPECT_FALSE(w.replace_held_moves(1, kMaxReplacedHeldTicks + 1, late));
    EXPECT_EQ(w.find_ship(1)->body.x, held.x);
    w.place_ship(1, 300 * kUnit, 300 * kUnit);
    w.step();
    w.step();
    EXPECT_FALSE(w.replace_held_moves(1, 3, late)) << "placed two steps ago: nothing from before it";
    EXPECT_TRUE(w.replace_held_moves(1, 1, late));

    // One late frame alone (the one applied next): the held step is undone,
    // so its step follows the last frame's, as the client predicted.
    w.step();
    const Body last = w.find_ship(1)->body;
    w.step();
    EXPECT_NE(w.find_ship(1)->body.x, last.x) << "held on its input, it moved";
    ASSERT_TRUE(w.replace_held_moves(1, 1, {}));
    EXPECT_EQ(w.find_ship(1)->body.x, last.x);
    EXPECT_EQ(w.find_ship(1)->body.y, last.y);
}

TEST(World, ForgedStickLengthGivesNoDiagonalSpeedUp) {
    Arena arena = empty_arena();
    Body straight{800 * kUnit, 500 * kUnit, 0, 0}, diagonal = straight;
    Input s, d;
    s.move_x = 127;
    d.move_x = 127;
    d.move_y = 127;
    for (int i = 0; i < 100; ++i) {
        step_movement(straight, s, arena);
        step_movement(diagonal, d, arena);
    }
    const double sv = std::hypot(straight.vx, straight.vy);
    const double dv = std::hypot(diagonal.vx, diagonal.vy);
    EXPECT_LE(dv, sv * 1.05);
}

TEST(World, ObstaclesBlockShips) {
    Arena arena = empty_arena();
    arena.obstacles = {{500 * kUnit, 0, 50 * kUnit, 1000 * kUnit}};
    Body b{400 * kUnit, 500 * kUnit, 0, 0};
    Input in;
    in.move_x = 127;
    for (int i = 0; i < 200; ++i) step_movement(b, in, arena);
    EXPECT_LE(b.x, 500 * kUnit - kShipRadius);
    EXPECT_GT(b.x, 500 * kUnit - kShipRadius - 6 * kUnit) << "it should reach the wall";
    EXPECT_EQ(b.vx, 0);
}

TEST(World, ArenaBoundsHoldShips) {
    Arena arena = empty_arena();
    Body b{100 * kUnit, 100 * kUnit, 0, 0};
    Input in;
    in.move_x = -127;
    in.move_y = -127;
    for (int i = 0; i < 200; ++i) step_movement(b, in, arena);
    EXPECT_EQ(b.x, kShipRadius);
    EXPECT_EQ(b.y, kShipRadius);
}

TEST(World, FiringRateIsLimitedBySim) {
    World w(empty_arena());
    w.add_player(1);
    w.place_ship(1, 800 * kUnit, 500 * kUnit);
    Input in;
    in.fire = true;
    w.set_input(1, in);
    for (int i = 0; i < 60; ++i) w.step();
    // One second at 60 Hz: 60 / kFireCooldown shots at most, whatever the input says.
    EXPECT_EQ(w.projectiles().size(), static_cast<std::size_t>(60 / kFireCooldown));
}

TEST(World, ObstaclesStopProjectiles) {
    Arena arena = empty_arena();
    arena.obstacles = {{600 * kUnit, 0, 40 * kUnit, 1000 * kUnit}};
    World w(arena);
    w.add_player(1);
    w.add_player(2);
    w.place_ship(1, 500 * kUnit, 500 * kUnit);
    w.place_ship(2, 700 * kUnit, 500 * kUnit);  // behind the wall
    Input in;
    in.fire = true;  // aim 0 = +x
    w.set_input(1, in);
    w.step();
    w.set_input(1, Input{});
    ASSERT_EQ(w.projectiles().size(), 1u);
    for (int i = 0; i < 30; ++i) w.step();
    EXPECT_TRUE(w.projectiles().empty());
    EXPECT_EQ(w.find_ship(2)->health, kMaxHealth);
}

TEST(World, HitsDamageKillScoreAndRespawn) {
    World w(empty_arena());
    w.add_player(1);
    w.add_player(2);
    w.place_ship(1, 500 * kUnit, 500 * kUnit);
    w.place_ship(2, 700 * kUnit, 500 * kUnit);
    Input in;
    in.fire = true;
    w.set_input(1, in);
    const int shots_to_kill = (kMaxHealth + kDamage - 1) / kDamage;
    int kill_tick = 0;
    for (int t = 0; t < 200 && kill_tick == 0; ++t) {
        w.step();
        if (!w.kills().empty()) {
            EXPECT_EQ(w.kills()[0].killer, 1u);
            EXPECT_EQ(w.kills()[0].victim, 2u);
            kill_tick = static_cast<int>(w.tick());
        }
    }
    ASSERT_NE(kill_tick, 0);
    // The n-th shot leaves at tick 1 + (n-1) * cooldown and flies ~16 ticks.
    EXPECT_GE(kill_tick, 1 + (shots_to_kill - 1) * kFireCooldown);
    const Ship* victim = w.find_ship(2);
    EXPECT_FALSE(victim->alive);
    EXPECT_EQ(victim->deaths, 1);
    EXPECT_EQ(w.find_ship(1)->score, 1);
    EXPECT_EQ(w.find_ship(1)->kills, 1);
    w.set_input(1, Input{});
    EXPECT_FALSE(w.replace_held_moves(2, 1, {})) << "a dead ship has no held move to make good";

    // Dead ships take no hits and respawn after the delay, at full health, teleported.
    bool respawned = false;
    for (int t = 0; t < kRespawnDelay; ++t) {
        w.step();
        if (!w.respawns().empty()) {
            respawned = true;
            EXPECT_EQ(static_cast<int>(w.tick()) - kill_tick, kRespawnDelay);
            EXPECT_TRUE(w.find_ship(2)->teleported);
        }
    }
    ASSERT_TRUE(respawned);
    victim = w.find_ship(2);
    EXPECT_TRUE(victim->alive);
    const int since_respawn = static_cast<int>(w.tick()) - (kill_tick + kRespawnDelay);
    EXPECT_FALSE(w.replace_held_moves(2, since_respawn + 1, {})) << "nor one from before it respawned";
    EXPECT_EQ(victim->health, kMaxHealth);
    // It came back at a spawn point clear of the living ship.
    const Ship* killer = w.find_ship(1);
    EXPECT_GE(std::hypot(double(victim->body.x - killer->body.x), double(victim->body.y - killer->body.y)),
              double(kSpawnClearance));
}

TEST(World, ShipsNeverHitThemselves) {
    World w(empty_arena());
    w.add_player(1);
    w.place_ship(1, 800 * kUnit, 500 * kUnit);
    Input in;
    in.fire = true;
    in.move_x = 127;  // chase its own shots
    w.set_input(1, in);
    for (int i = 0; i < 100; ++i) w.step();
    EXPECT_EQ(w.find_ship(1)->health, kMaxHealth);
}

TEST(World, RoomHoldsAtMost32Players) {
    World w;
    for (std::uint32_t p = 1; p <= kMaxPlayers; ++p) EXPECT_TRUE(w.add_player(p));
    EXPECT_FALSE(w.add_player(100));
    EXPECT_FALSE(w.add_player(1));
    w.remove_player(5);
    EXPECT_TRUE(w.add_player(100));
    EXPECT_FALSE(w.add_player(0));
}

TEST(Input, SanitiseRejectsNonFiniteAndClamps) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    Input in = sanitise_intent(nan, inf, nan, true);
    EXPECT_EQ(in.move_x, 0);
    EXPECT_EQ(in.move_y, 0);  // inf is not finite either
    EXPECT_EQ(in.aim, 0);
    in = sanitise_intent(5.0f, 0.0f, -1.5707963f, false);
    EXPECT_EQ(in.move_x, 127);
    EXPECT_EQ(in.aim, 49152);
    in = sanitise_intent(1.0f, 1.0f, 0, false);
    EXPECT_LE(in.move_x * in.move_x + in.move_y * in.move_y, 127 * 127 + 200);
    EXPECT_EQ(sanitise_wire(-128, -128, 7, false).move_x, -127);
}

TEST(Direction, TableIsAUnitCircle) {
    for (int a = 0; a < 65536; a += 97) {
        const Point d = direction_q16(static_cast<std::uint16_t>(a));
        const double len = std::hypot(d.x, d.y) / 65536.0;
        EXPECT_NEAR(len, 1.0, 1e-3);
        const double want = a * 6.283185307179586 / 65536.0;
        EXPECT_NEAR(d.x / 65536.0, std::cos(want), 5e-3);
        EXPECT_NEAR(d.y / 65536.0, std::sin(want), 5e-3);
    }
}

}  // namespace
}  // namespace tickwire::game::sim
