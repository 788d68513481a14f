#pragma once
// Room codes from connection URLs, read the same way by the match server (to
// seat a client) and ClientCore (to show the room it asked for): "/room/CODE"
// names room CODE; "/room/auto", "/" and any other path ask for the fullest
// room with space ("auto"). A code
// is 1 to 16 of A-Z a-z 0-9 - _ ; anything else is refused before it is used
// as a map key, printed in a log line or served in /rooms.
//
// Thread: pure functions, any thread.

#include <cstddef>
#include <string_view>

namespace tickwire::game::protocol {

inline constexpr std::size_t kMaxRoomCodeBytes = 16;

/// The code a path asks for ("auto" for the default); may be invalid: check
/// it with valid_room_code().
[[nodiscard]] std::string_view room_code_from_path(std::string_view path) noexcept;

[[nodiscard]] bool valid_room_code(std::string_view code) noexcept;

}  // namespace tickwire::game::protocol
