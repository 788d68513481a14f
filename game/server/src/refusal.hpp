#pragma once
// Why the match server turns a client away: the close code (4000-4999 are
// ours by RFC 6455; 1000-1015 come from net/events.hpp), the session Error
// sent just before it, and a reason for the close frame and the log line.
// Clients, the abuse suite and the attacker read these numbers: they never
// change meaning.

#include <cstdint>
#include <string_view>

#include "tickwire/schemas/session.hpp"

namespace tickwire::game::server {

inline constexpr std::uint16_t kCloseBadMessage = 4000;  // failed verification / unexpected kind
inline constexpr std::uint16_t kCloseRoomFull = 4003;
inline constexpr std::uint16_t kCloseNoSuchRoom = 4004;
inline constexpr std::uint16_t kCloseVersion = 4005;
inline constexpr std::uint16_t kCloseHelloTimeout = 4008;
// Hosting at scale (docs/scaling.md): a client that came through matchmaking
// asks it again on each of these.
inline constexpr std::uint16_t kCloseTicket = 4010;         // seat ticket forged, expired, reused, another's
inline constexpr std::uint16_t kCloseRoomElsewhere = 4011;  // another process owns the room's code
inline constexpr std::uint16_t kCloseDraining = 4012;       // this process takes no new players

struct Refusal {
    std::uint16_t close_code = kCloseBadMessage;
    session::ErrorCode error = session::ErrorCode::Malformed;
    std::string_view reason;  ///< static text
};

}  // namespace tickwire::game::server
