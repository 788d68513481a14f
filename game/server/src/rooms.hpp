#pragma once
// Rooms: the match server's rooms by code, each a simulated world with its
// members, its snapshot ring and the match events not yet sent. Creates rooms
// on demand (or refuses, with allow_create off), picks the fullest room with
// space for "auto", and removes empty rooms after a linger.
//
// Thread: the game thread.

#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "event_batch.hpp"
#include "refusal.hpp"
#include "tickwire/game/protocol/wire.hpp"
#include "tickwire/net/events.hpp"

namespace tickwire::game::server {

struct Room {
    std::string code;
    std::uint32_t id = 0;
    sim::World world;
    protocol::SnapshotRing ring;  // what each snapshot tick sent: the baselines of deltas
    std::vector<net::ConnectionId> members;
    std::uint32_t next_player_id = 1;
    std::chrono::steady_clock::time_point empty_since;
    EventBatch events;       // kills, scores and respawns not yet sent
    bool permanent = false;  // ServerConfig::rooms: kept while empty
};

class Rooms {
public:
    using Clock = std::chrono::steady_clock;

    struct Limits {
        int max_rooms = 64;
        int capacity = 32;  ///< players per room, 1..sim::kMaxPlayers
        bool allow_create = true;
        std::chrono::milliseconds linger{10000};
    };

    explicit Rooms(Limits limits, std::uint32_t seed = std::random_device{}());

    [[nodiscard]] Room* find(std::string_view code);
    [[nodiscard]] const Room* find(std::string_view code) const;
    /// The room a join asks for: `code`, or for "auto" the fullest room with
    /// space. Created when missing (if allowed and under max_rooms: then
    /// `created` is set); else null and `refusal` says why.
    Room* choose(const std::string& code, Refusal& refusal, bool& created);
    /// A new room under `code` (which must be free); null at max_rooms.
    Room* create(const std::string& code, Refusal& refusal);
    /// Removes rooms that have been empty longer than the linger (not the
    /// permanent ones); returns their codes through `removed`.
    void remove_idle(Clock::time_point now, std::vector<std::string>& removed);

    [[nodiscard]] int capacity() const noexcept { return limits_.capacity; }
    [[nodiscard]] std::size_t size() const noexcept { return rooms_.size(); }
    [[nodiscard]] std::size_t players() const noexcept;
    // In code order: /rooms lists them stably.
    auto begin() { return rooms_.begin(); }
    auto end() { return rooms_.end(); }
    [[nodiscard]] auto begin() const { return rooms_.begin(); }
    [[nodiscard]] auto end() const { return rooms_.end(); }

private:
    std::string random_code();

    Limits limits_;
    std::map<std::string, Room, std::less<>> rooms_;
    std::uint32_t next_room_id_ = 1;
    std::mt19937 rng_;
};

}  // namespace tickwire::game::server
