#pragma once
// ShipHistory: where every ship was over the last kHistoryTicks ticks, so a
// shot can be judged against the ships as the shooter saw them (lag
// compensation), and how it was moving, so moves run on a held input can be
// made again with the inputs that came late (World::replace_held_moves). A
// fixed ring of fixed arrays: recording a tick copies at most kMaxPlayers
// small records and never allocates.
//
// Times are Q8 ticks (256 = one tick) so the shooter's view between two
// snapshots is honoured; positions between two recorded ticks are
// interpolated with integer arithmetic, like everything in the sim.
//
// Thread: belongs to its World's thread.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "tickwire/game/sim/types.hpp"

namespace tickwire::game::sim {

/// Ticks of ship positions kept: more than any rewind the sim accepts.
inline constexpr int kHistoryTicks = 32;

class ShipHistory {
    struct Tick;
    struct Record;

public:
    /// Every ship at one moment, for a projectile asking about each of them
    /// in turn: the two recorded ticks around the moment are found once, and
    /// asked in ascending player id (the World's order) each lookup steps
    /// forward instead of searching. Any order is still answered correctly.
    /// Valid while its history is not recorded to.
    class Moment {
    public:
        /// As ShipHistory::position at this moment.
        [[nodiscard]] std::optional<Point> position(std::uint32_t player_id) noexcept;

    private:
        friend class ShipHistory;
        const Tick* a_ = nullptr;  // the tick at or before the moment; null: unknown
        const Tick* b_ = nullptr;  // the tick after it (a_ when the moment is a whole tick)
        std::uint32_t tick_ = 0;
        std::int64_t fraction_ = 0;  // Q8 past a_
        std::size_t cursor_a_ = 0, cursor_b_ = 0;
    };

    /// Call once per tick, after the ships moved: their state at `tick`.
    void record(std::uint32_t tick, std::span<const Ship> ships) noexcept;

    /// Where `player_id` was at `time_q8` (Q8 ticks), if it could be hit
    /// then: alive at both recorded ticks around that time and not
    /// (re)spawned or teleported since. Empty when it could not, or when that
    /// time is older than the history or newer than its last record.
    [[nodiscard]] std::optional<Point> position(std::uint32_t player_id, std::uint64_t time_q8) const noexcept;
    /// The same question for many ships at one time (see Moment).
    [[nodiscard]] Moment at(std::uint64_t time_q8) const noexcept;

    /// The whole body of `player_id` as recorded at `tick`, if it was alive
    /// then and has not (re)spawned since (`spawned_tick` is its current one).
    [[nodiscard]] std::optional<Body> body(std::uint32_t player_id, std::uint32_t tick,
                                           std::uint32_t spawned_tick) const noexcept;

    /// Where each of `ships` (sorted by player id, as the World keeps them)
    /// may be found at any time from `oldest_tick` on: the box around where
    /// it is now and its positions recorded since (an interpolated position
    /// lies between two of them). A shot farther than its reach from the box
    /// cannot hit it at any of those times: no need to ask.
    void reach(std::span<const Ship> ships, std::uint32_t oldest_tick, std::span<Box> boxes) const noexcept;

    /// Forget everything (a fresh world).
    void clear() noexcept { newest_ = 0; count_ = 0; }

private:
    struct Record {
        std::uint32_t player_id = 0;
        Body body;
        std::uint32_t spawned_tick = 0;
        bool alive = false;
    };
    struct Tick {
        std::uint32_t tick = 0;
        std::uint8_t ships = 0;
        std::array<Record, kMaxPlayers> records;
    };
    [[nodiscard]] const Tick* slot(std::uint32_t tick) const noexcept;
    [[nodiscard]] const Record* find(std::uint32_t tick, std::uint32_t player_id) const noexcept;
    /// `player_id`'s record in `slot`, searching on from `cursor` (which it advances).
    [[nodiscard]] static const Record* seek(const Tick& slot, std::size_t& cursor, std::uint32_t player_id) noexcept;

    std::array<Tick, kHistoryTicks> ring_{};
    std::uint32_t newest_ = 0;  // tick of the last record
    std::uint32_t count_ = 0;   // ticks recorded, up to kHistoryTicks
};

}  // namespace tickwire::game::sim
