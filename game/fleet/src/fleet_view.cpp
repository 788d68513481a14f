#include "tickwire/game/fleet/fleet_view.hpp"

#include <algorithm>

#include <boost/json.hpp>

namespace tickwire::game::fleet {

const ProcessRecord* FleetView::find_process(std::string_view id) const noexcept {
    const auto it = std::lower_bound(processes.begin(), processes.end(), id,
                                     [](const ProcessRecord& p, std::string_view key) { return p.id < key; });
    return it != processes.end() && it->id == id ? &*it : nullptr;
}

const RoomRecord* FleetView::find_room(std::string_view code) const noexcept {
    const auto it = std::lower_bound(rooms.begin(), rooms.end(), code,
                                     [](const RoomRecord& r, std::string_view key) { return r.code < key; });
    return it != rooms.end() && it->code == code ? &*it : nullptr;
}

std::string fleet_rooms_json(const FleetView& view) {
    boost::json::array rooms;
    rooms.reserve(view.rooms.size());
    for (const RoomRecord& room : view.rooms) {
        const ProcessRecord* owner = view.find_process(room.owner);
        rooms.push_back(boost::json::object{{"code", room.code},
                                            {"players", room.players},
                                            {"capacity", room.capacity},
                                            {"url", owner != nullptr ? owner->url : std::string()},
                                            {"process", room.owner}});
    }
    return boost::json::serialize(rooms);
}

}  // namespace tickwire::game::fleet
