#include "admission.hpp"

#include "clean_text.hpp"

namespace tickwire::game::server {

std::optional<Seat> Admission::admit(const JoinRequest& request, Refusal& refusal) {
    if (!check(request, refusal)) return std::nullopt;
    return seat(request, refusal);
}

bool Admission::check(const JoinRequest& request, Refusal& refusal) {
    if (request.protocol_version != protocol::kGameProtocolVersion) {
        refusal = {kCloseVersion, session::ErrorCode::ProtocolVersion, "protocol version not supported"};
        return false;
    }
    for (const Check& check : checks_) {
        if (auto refused = check(request)) {
            refusal = *refused;
            return false;
        }
    }
    return true;
}

std::optional<Seat> Admission::seat(const JoinRequest& request, Refusal& refusal) {
    bool created = false;
    Room* room = rooms_.choose(std::string(request.room), refusal, created);
    if (room == nullptr) return std::nullopt;
    const std::uint32_t pid = room->next_player_id++;
    // Player ids travel as EntityState.owner, a uint16.
    if (pid > 0xFFFF || !room->world.add_player(pid)) {
        refusal = {kCloseRoomFull, session::ErrorCode::RoomFull, "room full"};
        return std::nullopt;
    }
    return Seat{room, pid, player_name(request.name), created};
}

std::string Admission::player_name(std::string_view sent) {
    std::string name = clean_text(sent);
    if (name.empty()) name = "player";
    return name;
}

}  // namespace tickwire::game::server
