#pragma once
// CloseInfo: how a connection ended, as reported to the game.

#include <cstdint>
#include <string>

#include "tickwire/net/events.hpp"

namespace tickwire::net::detail {

struct CloseInfo {
    std::uint16_t code = close_code::abnormal;
    std::string reason;
    ErrorKind error = ErrorKind::none;  ///< none for an orderly close
    std::string error_text;             ///< description for the error event
    std::uint16_t http_status = 0;      ///< handshake_rejected only
};

}  // namespace tickwire::net::detail
