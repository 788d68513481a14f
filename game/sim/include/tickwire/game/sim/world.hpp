#pragma once
// The arena simulation shared by the match server (authoritative) and the
// client (prediction of the own ship): deterministic fixed-step integer code,
// no SDL, no sockets, no threads, no floating point in the state.
//
// Units (match game.fbs so a snapshot carries the state exactly):
//   positions  Q24.8, 1/256 world unit (int32)
//   velocities 1/16 world unit per tick (int32, always within int16)
//   angles     uint16 turns, 65536 = 2 pi
// Same inputs in the same order give bit-identical state on every machine:
// there is no float, no libm and no unordered container in a step.
//
// Thread: a World belongs to one thread (any); free functions are pure.

#include <array>
#include <cstdint>
#include <span>
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

/// Axis-aligned obstacle, position units, [x, x+w) x [y, y+h).
struct Rect {
    std::int32_t x = 0, y = 0, w = 0, h = 0;
};

struct Point {
    std::int32_t x = 0, y = 0;
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
};

struct Projectile {
    std::uint32_t entity_id = 0;
    std::uint32_t owner = 0;  ///< player id
    Body body;
    int ttl = kProjectileLifetime;
};

struct Kill {
    std::uint32_t tick = 0, killer = 0, victim = 0;
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

// ---- input validation ----------------------------------------------------

/// From a wire frame's fields: axes clamped to -127..127 (int8 allows -128).
[[nodiscard]] Input sanitise_wire(std::int8_t move_x, std::int8_t move_y, std::uint16_t aim,
                                  bool fire) noexcept;
/// From a presentation intent: non-finite numbers become 0, axes clamp to -1..1,
/// the stick's length to 1 (no diagonal speed-up).
[[nodiscard]] Input sanitise_intent(float move_x, float move_y, float aim_radians, bool fire) noexcept;

// ---- pure helpers ----------------------------------------------------------

/// One tick of one ship's movement: acceleration, drag, obstacle and bounds
/// collision. The server's step and the client's prediction both call this.
void step_movement(Body& body, const Input& input, const Arena& arena) noexcept;
/// Unit direction of an angle, Q16 (65536 = 1.0), from a compile-time table.
[[nodiscard]] Point direction_q16(std::uint16_t angle) noexcept;
[[nodiscard]] bool circle_hits_rect(std::int32_t cx, std::int32_t cy, std::int32_t r, const Rect& rect) noexcept;
/// Stable palette index (0..15) of a player.
[[nodiscard]] inline std::uint8_t player_colour(std::uint32_t player_id) noexcept {
    return static_cast<std::uint8_t>((player_id * 7u) % 16u);
}

/// The whole match state of one room.
class World {
public:
    explicit World(Arena arena = Arena::standard());

    /// Adds a ship for `player_id` (non-zero, unused) at a free spawn point.
    /// False when the room is full or the id is taken.
    bool add_player(std::uint32_t player_id);
    void remove_player(std::uint32_t player_id);
    /// Input applied from the next step on (held until replaced).
    void set_input(std::uint32_t player_id, const Input& input) noexcept;
    /// One fixed tick. kills()/respawns() then hold what happened in it.
    void step();

    [[nodiscard]] std::uint32_t tick() const noexcept { return tick_; }
    [[nodiscard]] const Arena& arena() const noexcept { return arena_; }
    [[nodiscard]] const std::vector<Ship>& ships() const noexcept { return ships_; }
    [[nodiscard]] const std::vector<Projectile>& projectiles() const noexcept { return projectiles_; }
    [[nodiscard]] const Ship* find_ship(std::uint32_t player_id) const noexcept;
    [[nodiscard]] const std::vector<Kill>& kills() const noexcept { return kills_; }
    [[nodiscard]] const std::vector<Respawn>& respawns() const noexcept { return respawns_; }
    /// FNV-1a over every field of the state, in a fixed order.
    [[nodiscard]] std::uint64_t state_hash() const noexcept;

    /// For tests: place a ship (alive, at rest).
    void place_ship(std::uint32_t player_id, std::int32_t x, std::int32_t y);

private:
    Ship* ship_(std::uint32_t player_id) noexcept;
    Point pick_spawn_(std::uint32_t salt) const noexcept;
    void fire_(Ship& ship);
    void step_projectiles_();

    Arena arena_;
    std::uint32_t tick_ = 0;
    std::uint32_t next_entity_id_ = 1;
    std::vector<Ship> ships_;  // sorted by player id: iteration order is state
    std::vector<Projectile> projectiles_;
    std::vector<Kill> kills_;
    std::vector<Respawn> respawns_;
};

}  // namespace tickwire::game::sim
