#pragma once
// What the room directory knows about the fleet: every live server process and
// every room they run, as read from Redis at one instant. Plain data; the room
// directory produces it, matchmaking and GET /rooms?all=1 read it.
//
// Thread: a FleetView is immutable once published (shared as
// std::shared_ptr<const FleetView>); any thread may read it.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tickwire::game::fleet {

struct ProcessRecord {
    std::string id;
    std::string url;  ///< public WebSocket base URL, e.g. ws://10.0.0.7:7777
    std::uint32_t rooms = 0, players = 0, capacity = 0;
    bool draining = false;
};

struct RoomRecord {
    std::string code;
    std::string owner;  ///< process id
    std::uint32_t players = 0, capacity = 0;
};

struct FleetView {
    std::vector<ProcessRecord> processes;  ///< live processes, sorted by id
    std::vector<RoomRecord> rooms;         ///< rooms of live processes, sorted by code

    [[nodiscard]] const ProcessRecord* find_process(std::string_view id) const noexcept;
    [[nodiscard]] const RoomRecord* find_room(std::string_view code) const noexcept;
};

/// GET /rooms?all=1: [{"code":..,"players":..,"capacity":..,"url":..,"process":..}, ...]
[[nodiscard]] std::string fleet_rooms_json(const FleetView& view);

}  // namespace tickwire::game::fleet
