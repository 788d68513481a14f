#pragma once
// The arena simulation's constants and plain state types (see world.hpp for
// the units and the determinism promise).
//
// Thread: plain values.

#include <cstdint>
#include <vector>

namespace tickwire::game::sim {

inline constexpr int kMaxPlayers = 32;
inline constexpr std::int32_t kUnit = 256;            ///< one world unit in position units
inline constexpr std::int32_t kVelocityUnit = 16;     ///< position units per velocity unit
inline constexpr std::int32_t kArenaWidth = 1600 * kUnit;
inline constexpr std::int32_t kArenaHeight = 1000 * kUnit;
inline constexpr std::int32_t kShipRadius = 14 * kUnit;
inline constexpr std::int32_t kProjectileRadius = 3 * kUnit;
/// Full-stick acceleration per tick (velocity units); with the drag below the
/// top speed is 16x this: 80/16 = 5 units per tick = 300 units/s at 60 Hz.
inline constexpr std::int32_t kAcceleration = 5;
inline constexpr std::int32_t kDragShift = 4;          ///< v -= v / 16 per tick
inline constexpr std::int32_t kMaxSpeed = 96;          ///< velocity units, hard clamp
inline constexpr std::int32_t kProjectileSpeed = 192;  ///< 12 units per tick
inline constexpr int kProjectileLifetime = 90;         ///< ticks (1.5 s at 60 Hz)
inline constexpr int kFireCooldown = 10;               ///< ticks between shots (6/s)
inline constexpr int kMaxHealth = 100;
inline constexpr int kDamage = 20;
inline constexpr int kRespawnDelay = 120;              ///< ticks (2 s at 60 Hz)
inline constexpr std::int32_t kSpawnClearance = 120 * kUnit;  ///< "free" spawn point

// Lag compensation: a new projectile is tested against the ships as they
// were `rewind` ticks ago (what its shooter was looking at), for its first
// kRewindFullFlight ticks of flight; then the rewind shrinks by one tick per
// tick until it reaches the present, so a long shot, which its target has
// had time to see coming, is judged in the present. Times are Q8 ticks.
inline constexpr std::uint32_t kTickQ8 = 256;                  ///< one tick in Q8
inline constexpr std::uint32_t kMaxRewindQ8 = 30 * kTickQ8;    ///< the sim's bound (history is 32)
inline constexpr int kRewindFullFlight = 20;  ///< ticks (240 units, 1/3 s): the target cannot react sooner

// Held moves made good: when a player's frames come late, its ship runs on
// the last input meanwhile; when they come, the server moves the ship again
// from where it was before, with those frames, so it ends where its player
// (and its prediction) steered it. At most this many ticks back (250 ms at
// 60 Hz, the server's rewind cap for shots); a longer hold stands.
inline constexpr int kMaxReplacedHeldTicks = 15;

/// Axis-aligned obstacle, position units, [x, x+w) x [y, y+h).
struct Rect {
    std::int32_t x = 0, y = 0, w = 0, h = 0;
};

struct Point {
    std::int32_t x = 0, y = 0;
};

/// Axis-aligned box, position units, bounds included.
struct Box {
    std::int32_t min_x = 0, min_y = 0, max_x = 0, max_y = 0;

    void grow(std::int32_t x, std::int32_t y) noexcept {
        min_x = x < min_x ? x : min_x;
        min_y = y < min_y ? y : min_y;
        max_x = x > max_x ? x : max_x;
        max_y = y > max_y ? y : max_y;
    }
    /// True if (x, y) is `r` or more from the box on some axis: no point of
    /// the box is closer than r.
    [[nodiscard]] bool farther_than(std::int32_t r, std::int32_t x, std::int32_t y) const noexcept {
        return x <= min_x - r || x >= max_x + r || y <= min_y - r || y >= max_y + r;
    }
};

/// One validated tick of one player's input. Build it with sanitise_* only.
struct Input {
    std::int8_t move_x = 0;  ///< -127..127
    std::int8_t move_y = 0;
    std::uint16_t aim = 0;
    bool fire = false;
};

/// Movement state: all that prediction needs and all the server sends exactly.
struct Body {
    std::int32_t x = 0, y = 0;    ///< Q24.8
    std::int32_t vx = 0, vy = 0;  ///< 1/16 unit per tick
};

struct Ship {
    std::uint32_t player_id = 0;  ///< 1..65535
    std::uint32_t entity_id = 0;
    Body body;
    std::uint16_t aim = 0;
    int health = kMaxHealth;
    bool alive = true;
    bool teleported = false;  ///< respawned this tick
    std::uint32_t spawned_tick = 0;  ///< tick of the last (re)spawn
    int cooldown = 0;         ///< ticks until the weapon may fire again
    int respawn_in = 0;       ///< ticks, while dead
    int score = 0, kills = 0, deaths = 0;
    Input input;              ///< held until the next set_input
    std::uint32_t shot_rewind_q8 = 0;  ///< lag compensation of a shot fired on `input`
};

struct Projectile {
    std::uint32_t entity_id = 0;
    std::uint32_t owner = 0;  ///< player id
    Body body;
    int ttl = kProjectileLifetime;
    std::uint32_t rewind_q8 = 0;  ///< lag compensation when fired (0: judged in the present)
    int age = 0;                  ///< ticks flown
};

struct Kill {
    std::uint32_t tick = 0, killer = 0, victim = 0;
};
/// A projectile that hit a ship (damage dealt; a Kill too when it killed).
struct Hit {
    std::uint32_t tick = 0, shooter = 0, victim = 0, projectile = 0;
    std::uint32_t rewind_q8 = 0;  ///< how far in the past the victim was hit
};
struct Respawn {
    std::uint32_t tick = 0, player = 0, entity = 0;
    std::int32_t x = 0, y = 0;
};

/// The static level: bounds, obstacles, spawn points.
struct Arena {
    std::int32_t width = kArenaWidth, height = kArenaHeight;
    std::vector<Rect> obstacles;
    std::vector<Point> spawns;
    /// The demo level.
    static Arena standard();
};

}  // namespace tickwire::game::sim
