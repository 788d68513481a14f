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

// A page may send only the close codes 1000 and 3000-4999 (the browser throws
// for any other). The browser backend sends a standard code it may not send
// (1001-1015) in the range RFC 6455 leaves to libraries, 3000 + (code - 1000),
// and tickwire's server reads that back as the standard code: a page that
// gives up on a dead connection says 1002 to the server as a native client does,
// and its session is held for the resume (ServerCore::on_disconnected).
inline constexpr std::uint16_t kLibraryCloseBase = 3000;

/// 1001-1015 -> 3001-3015; every other code as is.
constexpr std::uint16_t page_sendable_close_code(std::uint16_t code) noexcept {
    return code > close_code::normal && code <= 1015 ? static_cast<std::uint16_t>(kLibraryCloseBase + (code - 1000)) : code;
}

/// 3001-3015 -> 1001-1015 (what page_sendable_close_code made); every other code as is.
constexpr std::uint16_t standard_close_code(std::uint16_t code) noexcept {
    return code > kLibraryCloseBase && code <= kLibraryCloseBase + 15 ? static_cast<std::uint16_t>(code - 2000) : code;
}

}  // namespace tickwire::net::detail
