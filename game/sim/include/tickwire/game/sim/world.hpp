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

#include <cstdint>
#include <span>
#include <vector>

#include "tickwire/game/sim/ship_history.hpp"
#include "tickwire/game/sim/types.hpp"

namespace tickwire::game::sim {

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
    /// Input applied from the next step on (held until replaced). A shot
    /// fired on it is lag-compensated by `shot_rewind_q8` (Q8 ticks, at most
    /// kMaxRewindQ8): tested against the ships as they were that long before
    /// the step that fires it. The caller (the server) decides how far back
    /// it trusts the shooter's view.
    void set_input(std::uint32_t player_id, const Input& input, std::uint32_t shot_rewind_q8 = 0) noexcept;
    /// The ship of `player_id` ran its last `held_ticks` steps on a held
    /// input because its player's frames were late; `late` are those frames'
    /// inputs, oldest first, come now (the frame applied next excluded).
    /// Moves it again from where it was before the hold, one step per late
    /// input (none: the held steps are undone) and never more steps than it
    /// held (no speed-up), so after the next frame's step it is where its
    /// player steered it, and where its client predicted it. Only
    /// the ship's body changes: what it fired and what hit it meanwhile
    /// stand, and the history keeps the path the others saw. False (nothing
    /// changes) beyond kMaxReplacedHeldTicks, or when the ship died or
    /// (re)spawned since.
    bool replace_held_moves(std::uint32_t player_id, int held_ticks, std::span<const Input> late) noexcept;
    /// One fixed tick. kills()/respawns() then hold what happened in it.
    void step();

    [[nodiscard]] std::uint32_t tick() const noexcept { return tick_; }
    [[nodiscard]] const Arena& arena() const noexcept { return arena_; }
    [[nodiscard]] const std::vector<Ship>& ships() const noexcept { return ships_; }
    [[nodiscard]] const std::vector<Projectile>& projectiles() const noexcept { return projectiles_; }
    [[nodiscard]] const Ship* find_ship(std::uint32_t player_id) const noexcept;
    [[nodiscard]] const std::vector<Kill>& kills() const noexcept { return kills_; }
    [[nodiscard]] const std::vector<Respawn>& respawns() const noexcept { return respawns_; }
    [[nodiscard]] const std::vector<Hit>& hits() const noexcept { return hits_; }
    /// Projectiles fired in the last step.
    [[nodiscard]] std::uint32_t shots_fired() const noexcept { return shots_fired_; }
    [[nodiscard]] const ShipHistory& history() const noexcept { return history_; }
    /// FNV-1a over every field of the state, in a fixed order.
    [[nodiscard]] std::uint64_t state_hash() const noexcept;

    /// For tests: place a ship (alive, at rest, teleported).
    void place_ship(std::uint32_t player_id, std::int32_t x, std::int32_t y);
    /// For tests: set a living ship's health (1..kMaxHealth).
    void set_health(std::uint32_t player_id, int health) noexcept;

private:
    Ship* ship_(std::uint32_t player_id) noexcept;
    Point pick_spawn_(std::uint32_t salt) const noexcept;
    void fire_(Ship& ship);
    void step_projectiles_();
    [[nodiscard]] static std::uint32_t rewind_now_(const Projectile& p) noexcept;
    [[nodiscard]] bool hits_ship_(const Projectile& p, const Ship& s, ShipHistory::Moment* then,
                                  std::uint32_t then_tick) const noexcept;

    Arena arena_;
    std::uint32_t tick_ = 0;
    std::uint32_t next_entity_id_ = 1;
    std::vector<Ship> ships_;  // sorted by player id: iteration order is state
    std::vector<Projectile> projectiles_;
    std::vector<Kill> kills_;
    std::vector<Respawn> respawns_;
    std::vector<Hit> hits_;
    std::uint32_t shots_fired_ = 0;
    ShipHistory history_;
    std::vector<Box> reach_;  // per ship, this tick: see ShipHistory::reach
};

}  // namespace tickwire::game::sim
