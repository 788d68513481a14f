#include "tickwire/game/protocol/room_code.hpp"

#include <algorithm>

namespace tickwire::game::protocol {

std::string_view room_code_from_path(std::string_view path) noexcept {
    constexpr std::string_view kPrefix = "/room/";
    if (!path.starts_with(kPrefix)) return "auto";
    return path.substr(kPrefix.size());
}

bool valid_room_code(std::string_view code) noexcept {
    if (code.empty() || code.size() > kMaxRoomCodeBytes) return false;
    return std::all_of(code.begin(), code.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

}  // namespace tickwire::game::protocol
